import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";

/**
 * The request being handled, carried by AsyncLocalStorage so that code deep below a route or resolver
 * (KycService, the Bond client) logs with the request id without threading it through every call.
 * The app's pino logger reads it in its `mixin` (see `requestLogFields`).
 */
interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = "x-request-id";

/** An incoming id is kept only if it is short and made of safe characters (it goes into logs and a response header). */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's `x-request-id` when acceptable, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` (and everything it starts) as part of the request `requestId`. */
export function runInRequest<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** pino `mixin`: adds the current request id to every line logged while a request is handled. */
export function requestLogFields(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}

/**
 * Express middleware, mounted first: takes or makes the request id, echoes it in the response, runs the
 * rest of the chain inside the request's context, and writes one access line when the response is sent
 * (at debug for the paths `quietPath` names: health probes, metrics scrapes, GraphiQL's assets).
 * The line has the path without its query string: a GET /graphql?query=… could carry personal data (which is
 * why this is not pino-http, whose request serializer logs the whole URL and the headers).
 */
export function requestContextMiddleware(logger: Logger, options: { quietPath?: (path: string, method: string) => boolean } = {}) {
  return (request: Request, response: Response, next: NextFunction) => {
    const path = request.originalUrl.split("?")[0]; // read now: routers mounted at a path rewrite request.url
    const requestId = beginRequest(request, response, logger, path, options.quietPath?.(path, request.method) ?? false);
    runInRequest(requestId, next);
  };
}

/**
 * The start of every request, in Express or in front of it: takes or makes the request id, echoes it, and
 * writes the access line when the response is sent (built only when its level is logged; at debug for a
 * `quiet` path that did not fail on our side). Returns the id, to run the rest in (`runInRequest`).
 */
export function beginRequest(request: IncomingMessage, response: ServerResponse, logger: Logger, path: string, quiet = false): string {
  const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
  response.setHeader("X-Request-Id", requestId);
  const startedAt = process.hrtime.bigint();
  response.on("finish", () => {
    // Probes, scrapes and static assets come every few seconds: debug, unless they failed on our side.
    const level = quiet && response.statusCode < 500 ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    // A path no route knows is whatever the client typed (an SSN in a mistyped URL, say): not logged.
    const loggedPath = response.statusCode === 404 ? "[no such route]" : path;
    runInRequest(requestId, () =>
      logger[level](
        { method: request.method, path: loggedPath, status: response.statusCode, durationMs: Math.round(durationMs * 10) / 10 },
        "request completed",
      ),
    );
  });
  return requestId;
}

/**
 * An async iterator whose every step runs inside the request `requestId`. A subscription's later
 * events are pulled by graphql-ws's loop, outside the context the subscription started in; wrapping the
 * steps keeps per-event work (resolvers, their log lines) attributed to the subscription's request.
 * `return()` is passed straight through, so stopping a subscription never waits for a pending event.
 */
export function iteratorInRequest<T>(
  requestId: string,
  iterator: AsyncIterator<T>,
  onEnd: () => void = () => {},
): AsyncIterableIterator<T> {
  return new IteratorInRequest(requestId, iterator, onEnd);
}

// A class, not an object of closures: one is held per open subscription (tens of thousands), and a
// pending step costs one promise (`then`), not a suspended async function.
class IteratorInRequest<T> implements AsyncIterableIterator<T> {
  private ended = false;

  constructor(
    private readonly requestId: string,
    private readonly iterator: AsyncIterator<T>,
    private readonly onEnd: () => void,
  ) {}

  private end(): void {
    if (!this.ended) {
      this.ended = true;
      runInRequest(this.requestId, this.onEnd);
    }
  }

  next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
    return runInRequest(this.requestId, () => this.iterator.next(...args)).then(
      (result) => {
        if (result.done) this.end();
        return result;
      },
      (error: unknown) => {
        this.end();
        throw error;
      },
    );
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.end();
    const { iterator } = this;
    return iterator.return
      ? runInRequest(this.requestId, () => iterator.return!(value))
      : Promise.resolve({ done: true as const, value: value as T });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.end();
    const { iterator } = this;
    return iterator.throw ? runInRequest(this.requestId, () => iterator.throw!(error)) : Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
