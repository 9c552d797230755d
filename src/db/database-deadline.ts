import type postgres from "postgres";
import { pipelinedTransaction } from "./pipelined-transaction.js";

/** A database wait took longer than its bound: the database is taken as unavailable for this request. */
export class DatabaseDeadlineExceeded extends Error {
  /** Read by isDatabaseUnavailable (src/errors/database-unavailable.ts), like the driver's own connection codes. */
  readonly code = "DATABASE_DEADLINE_EXCEEDED";
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = "DatabaseDeadlineExceeded";
  }
}

/** Settles like `promise`, or rejects with DatabaseDeadlineExceeded after `ms` (the promise keeps its own handlers). */
export function withinDeadline<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DatabaseDeadlineExceeded(what, ms)), ms);
    timer.unref();
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

type Sql = postgres.Sql;
type Callback = (sql: Sql) => unknown;

/**
 * Wraps a postgres.js client so no wait on it is unbounded (and its statements are prepared, see `prepares`): each query (what drizzle runs through `unsafe`), a
 * transaction's wait for a connection, and its commit or rollback, each get `ms`. Transactions are pipelined
 * (`pipelinedTransaction`: BEGIN goes with the first statement, COMMIT can go with the last). postgres.js has no per-query
 * timeout, and a connection closed cleanly during its handshake makes it reconnect silently while the query waits
 * (porsager/postgres#1208): without this a request during an outage could hang until the client gives up.
 */
export function withQueryDeadline(sql: Sql, ms: number): Sql {
  return wrap(sql, ms);
}

function wrap(sql: Sql, ms: number): Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          boundedQuery(target.unsafe(query, parameters as never, { ...options, prepare: prepares(parameters) }), ms);
      }
      if (property === "begin")
        return (...args: unknown[]) => {
          const callback = args.pop() as Callback;
          return pipelinedTransaction(target, typeof args[0] === "string" ? args[0] : "", callback, (inner) => wrap(inner, ms), ms);
        };
      if (property === "savepoint") return (...args: unknown[]) => boundedTransaction(target, "savepoint", args, ms);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Drizzle asks postgres.js for an unnamed statement unless the query was given a name; with parameters,
 * postgres.js then describes it first, so every statement costs two round trips (and cannot be pipelined).
 * Prepared (postgres.js names and keeps it per connection, by its text and parameter types), it costs one from
 * its second use on a connection. Statements with long parameter lists (an `in (…)` of many ids) vary with
 * the list's length, so they stay unnamed rather than fill each connection with one-off statements.
 */
export const MAX_PREPARED_PARAMETERS = 64;

function prepares(parameters: unknown[] | undefined): boolean {
  return (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS;
}

/** A postgres.js query is lazy (it runs when awaited); drizzle awaits it directly or through `.values()`. */
function boundedQuery(query: postgres.PendingQuery<postgres.Row[]>, ms: number) {
  const run = (pending: PromiseLike<unknown>) => withinDeadline(pending, ms, "database query");
  return {
    values: () => run(query.values()),
    then: (onFulfilled?: (value: unknown) => unknown, onRejected?: (error: unknown) => unknown) => run(query).then(onFulfilled, onRejected),
    catch: (onRejected?: (error: unknown) => unknown) => run(query).catch(onRejected),
    cancel: () => query.cancel(),
  };
}

/**
 * `savepoint` (on a client in postgres.js's own `begin`) with the callback's client wrapped too. Bounded: the wait for a connection (the callback
 * must start within `ms`; if it starts later it throws, so the transaction rolls back) and the commit or rollback
 * after the callback settled. The callback's own time is bounded by its queries.
 */
function boundedTransaction(target: Sql, method: "savepoint", args: unknown[], ms: number): Promise<unknown> {
  const callback = args.pop() as Callback;
  return new Promise((resolve, reject) => {
    let abandoned = false;
    let timer = setTimeout(() => ((abandoned = true), reject(new DatabaseDeadlineExceeded("a savepoint", ms))), ms);
    timer.unref();
    const finishing = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new DatabaseDeadlineExceeded("finishing a transaction", ms)), ms);
      timer.unref();
    };
    const run = (target as unknown as Record<string, (...all: unknown[]) => Promise<unknown>>)[method](...args, async (inner: Sql) => {
      clearTimeout(timer);
      if (abandoned) throw new DatabaseDeadlineExceeded("starting a transaction", ms);
      try {
        return await callback(wrap(inner, ms));
      } finally {
        finishing();
      }
    });
    run.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
