import { AsyncLocalStorage } from "node:async_hooks";
import postgres from "postgres";
import { DatabaseDeadlineExceeded, withinDeadline } from "./database-deadline.js";

type Sql = postgres.Sql;

/** What a transaction's callback can ask of the transaction it runs in (found through `commitWithLastStatement`). */
interface TransactionControl {
  commit(): Promise<void>;
  /** The transaction's own client (bounded statements, on its connection). */
  client: Sql;
}

const running = new AsyncLocalStorage<TransactionControl>();

/**
 * Called in a transaction's callback together with its last statement (before its answer is awaited): sends
 * COMMIT behind the statements issued in this turn of the event loop, pipelined, instead of after the callback
 * returns, which saves a round trip.
 * Resolves once Postgres committed (rejects if it rolled back instead: a statement before it failed). No
 * statement may be issued after it. Where transactions are not pipelined (PGlite, in the process, which commits
 * when the callback returns) it does nothing, and the commit still happens after the callback.
 */
export function commitWithLastStatement(): Promise<void> {
  return running.getStore()?.commit() ?? Promise.resolve();
}

/** The running pipelined transaction's client (see `runStatement`); null outside one (PGlite, or no transaction). */
export function pipelinedClient(): Sql | null {
  return running.getStore()?.client ?? null;
}

/** The transaction ended because the connection to Postgres went away (postgres.js then closed and will reconnect it). */
function connectionLost(error: unknown): boolean {
  if (error instanceof postgres.PostgresError) return error.severity === "FATAL" || error.severity === "PANIC";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("CONNECTION_") || code === "CONNECT_TIMEOUT" || /^E[A-Z]+$/.test(code));
}

/** A pooled connection for a transaction, waited for at most `ms` (one that comes later goes straight back). */
async function reserveWithin(pool: Sql, ms: number): Promise<postgres.ReservedSql> {
  const reserving = pool.reserve();
  try {
    return await withinDeadline(reserving, ms, "starting a transaction");
  } catch (error) {
    if (error instanceof DatabaseDeadlineExceeded)
      void reserving.then(
        (late) => late.release(),
        () => {},
      );
    throw error;
  }
}

/**
 * A transaction on a connection of its own (`reserve`), with BEGIN sent together with the first statement
 * rather than before it (postgres.js's `begin` waits for BEGIN's answer before it runs the callback), and
 * COMMIT after the callback, or with its last statement (`commitWithLastStatement`). A webhook's two statements
 * then take two round trips in all, not four. `wrap` bounds each statement (the deadline); BEGIN, COMMIT and
 * ROLLBACK are bounded here. Recovery: a failed callback or COMMIT sends ROLLBACK (unless COMMIT was sent),
 * and the connection goes back to the pool only once its transaction is known to be over (the COMMIT or
 * ROLLBACK answered, however late: one stuck on a dead connection keeps it until postgres.js closes it). A
 * connection lost mid-transaction is left to postgres.js, which has closed it and reconnects it when needed.
 */
export async function pipelinedTransaction(
  pool: Sql,
  options: string,
  callback: (sql: Sql) => unknown,
  wrap: (sql: Sql) => Sql,
  ms: number,
): Promise<unknown> {
  const connection = await reserveWithin(pool, ms);
  let lost = false;
  let firstError: Error | null = null;
  const watch = (query: PromiseLike<unknown>) =>
    query.then(undefined, (error: unknown) => {
      firstError ??= error instanceof Error ? error : new Error(String(error));
      if (connectionLost(error)) lost = true;
    });
  const send = (text: string): PromiseLike<postgres.RowList<postgres.Row[]>> => {
    const query = connection.unsafe(text);
    void query.execute();
    watch(query);
    return query;
  };
  let ending: PromiseLike<postgres.RowList<postgres.Row[]>> | null = null;
  let committing: Promise<void> | null = null;
  const control: TransactionControl = {
    client: pool, // replaced below by the transaction's own client, before the callback runs
    commit() {
      // Sent once this turn of the event loop is done, so every statement issued in it goes first: drizzle's queries
      // start a few microtasks after they are awaited (e.g. by the `Promise.all` the commit is part of). postgres.js
      // writes what a turn queued at its end too, so COMMIT usually goes out in the same write as the statements.
      return (committing ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => (ending ??= send("commit")))
        .then((result: postgres.RowList<postgres.Row[]>) => {
          // COMMIT in a transaction a failed statement aborted rolls it back, and says so.
          if (result.command !== "COMMIT") throw firstError ?? new Error(`the transaction ended with ${result.command}, not COMMIT`);
        }));
    },
  };
  const begin = send(`begin ${options.replace(/[^a-z ]/gi, "")}`);
  let savepoints = 0;
  // Each statement is sent as it is issued (postgres.js would wait until it is awaited), so the order of issue is the order on the wire.
  const statements = new Proxy(connection as Sql, {
    get(target, property, receiver) {
      if (property === "unsafe")
        return (query: string, parameters?: never[], queryOptions?: postgres.UnsafeQueryOptions) => {
          if (ending) throw new Error("a statement was issued after the transaction's COMMIT");
          const pending = target.unsafe(query, parameters, queryOptions);
          void pending.execute();
          watch(pending);
          return pending;
        };
      if (property === "savepoint") return (fn: (sql: Sql) => unknown) => savepoint(`s${(savepoints += 1)}`, fn);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const inner = wrap(statements);
  control.client = inner;
  async function savepoint(name: string, fn: (sql: Sql) => unknown): Promise<unknown> {
    await inner.unsafe(`savepoint ${name}`);
    try {
      const result = await fn(inner);
      await inner.unsafe(`release savepoint ${name}`);
      return result;
    } catch (error) {
      await inner.unsafe(`rollback to savepoint ${name}`);
      throw error;
    }
  }

  let result: unknown;
  let failure: { error: unknown } | null = null;
  try {
    result = await running.run(control, () => callback(inner));
    await withinDeadline(begin, ms, "starting a transaction");
    await withinDeadline(control.commit(), ms, "finishing a transaction");
  } catch (error) {
    failure = { error };
  }
  if (!lost) {
    const rollingBack = ending === null;
    const end = (ending ??= send("rollback"));
    // The connection goes back once its transaction is over; one that went away meanwhile is postgres.js's to reconnect.
    end.then(
      () => connection.release(),
      (error: unknown) => connectionLost(error) || connection.release(),
    );
    // As postgres.js's `begin` does: a failure surfaces once its transaction is rolled back (bounded: it may be stuck).
    if (rollingBack) await withinDeadline(end, ms, "rolling back a transaction").catch(() => {});
  }
  if (failure) throw failure.error;
  return result;
}
