import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { execute, getOperationAST, subscribe, type ExecutionArgs, type ExecutionResult } from "graphql";
import { SpanKind, type Tracer } from "@opentelemetry/api";
import type { Metrics } from "./metrics.js";
import { operationLabel } from "./metrics.js";
import { iteratorInRequest, runInRequest } from "./request-context.js";
import { inSpan } from "./tracing.js";

const operationRequestIds = new WeakMap<object, string>();

/** The request id given to a WebSocket operation (its execution arguments, as graphql-ws hands them to onNext). */
export function requestIdOfOperation(args: ExecutionArgs): string | undefined {
  return operationRequestIds.get(args);
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof (Object(value) as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";

/**
 * `execute` and `subscribe` for graphql-ws: each operation on a socket is a request of its own, with a
 * request id for its log lines (also while a subscription delivers events), counted like HTTP
 * operations; open subscriptions are a gauge, decremented however the subscription ends (complete
 * from the client, socket closed, server shutting down, error).
 */
export function websocketOperations(
  metrics: Metrics,
  logger: Logger,
  tracer?: Tracer,
  /** graphql-js's `subscribe`, or one that shares executions (src/graphql/shared-subscriptions.ts). */
  subscribeOperation: (args: ExecutionArgs) => Promise<AsyncIterable<ExecutionResult> | ExecutionResult> = subscribe,
) {
  // A span per operation (`query customer`, `subscription kycStatusChanged`): for a subscription it covers
  // setting it up, not its lifetime. Resolvers, Bond calls and transactions nest under it.
  const traced = <T>(labels: { operation: string; type: string }, work: () => Promise<T>): Promise<T> =>
    tracer
      ? inSpan(
          tracer,
          `${labels.type} ${labels.operation}`,
          { "graphql.operation.type": labels.type, "graphql.root_field": labels.operation, "graphql.transport": "ws" },
          work,
          SpanKind.SERVER,
        )
      : work();
  const start = (args: ExecutionArgs) => {
    // Flattened: Node 20's randomUUID returns a rope of ~20 pieces (about 700 bytes), held for the
    // subscription's life (its log context); one flat copy is 56.
    const requestId = JSON.parse(JSON.stringify(randomUUID())) as string;
    operationRequestIds.set(args, requestId);
    const labels = operationLabel(getOperationAST(args.document, args.operationName));
    runInRequest(requestId, () => logger.debug(labels, "websocket operation"));
    return { requestId, labels };
  };
  return {
    execute: (args: ExecutionArgs) => {
      const { requestId, labels } = start(args);
      return runInRequest(requestId, async () => {
        const result = await traced(labels, async () => execute(args));
        metrics.graphqlOperations.inc({ ...labels, transport: "ws", outcome: result.errors?.length ? "error" : "ok" });
        return result;
      });
    },
    subscribe: (args: ExecutionArgs) => {
      const { requestId, labels } = start(args);
      return runInRequest(requestId, async () => {
        const result = await traced(labels, async () => subscribeOperation(args));
        if (!isAsyncIterable(result)) {
          metrics.graphqlOperations.inc({ ...labels, transport: "ws", outcome: "error" });
          return result;
        }
        metrics.graphqlOperations.inc({ ...labels, transport: "ws", outcome: "ok" });
        metrics.openSubscriptions.inc();
        return iteratorInRequest(requestId, result[Symbol.asyncIterator](), () => {
          metrics.openSubscriptions.dec();
          logger.debug(labels, "subscription ended");
        });
      });
    },
  };
}
