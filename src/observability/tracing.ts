import { context, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ApolloServerPlugin } from "@apollo/server";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { BondApi } from "../bond/bond-client.js";
import { BondRequestError, BondUnavailableError } from "../bond/bond-client.js";
import type { Database } from "../db/database.js";
import { operationLabel } from "./metrics.js";

/**
 * OpenTelemetry traces: a span per GraphQL operation (HTTP), per Bond call (its retries as events), per
 * database transaction and per webhook ingest, parented through AsyncLocalStorage. Exported over OTLP/HTTP
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the other standard OTEL_EXPORTER_OTLP_*
 * variables itself); otherwise a no-op tracer. Attributes never carry personal data: only operation
 * names, root fields, event types, outcomes and status codes — no variables, ids of people or bodies.
 */

/** Operation names are the client's choice: cut to this many characters before they go on a span. */
const MAX_OPERATION_NAME_LENGTH = 100;

export interface Tracing {
  tracer: Tracer;
  /** Flushes pending spans and stops exporting. */
  close(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** Set = export over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint?: string;
  /** Extra processors (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessors?: SpanProcessor[];
}

let contextManagerRegistered = false;

/**
 * The SDK (provider, exporter, context manager: about 0.3 s of module loading) is imported only when spans
 * are recorded; without an exporter the API's no-op tracer is all a start needs (issue 13's 3 s start).
 */
export async function createTracing(options: TracingOptions): Promise<Tracing> {
  const processors = [...(options.spanProcessors ?? [])];
  if (!options.otlpEndpoint && processors.length === 0)
    return { tracer: new ProxyTracerProvider().getTracer("kyc-graphql"), close: async () => {} };
  const [
    { AsyncLocalStorageContextManager },
    { resourceFromAttributes },
    { BasicTracerProvider, BatchSpanProcessor },
    { ATTR_SERVICE_NAME },
  ] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  // Explicit URL (the configured endpoint + the standard /v1/traces path); headers, timeout and compression
  // still come from the standard OTEL_EXPORTER_OTLP_* variables, which the exporter reads itself.
  if (options.otlpEndpoint) {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` })));
  }
  // Parent/child across awaits: one AsyncLocalStorage context manager per process (a global of the API).
  if (!contextManagerRegistered) {
    contextManagerRegistered = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: processors,
  });
  return { tracer: provider.getTracer("kyc-graphql"), close: () => provider.shutdown() };
}

/** Runs `work` inside a new active span, ending it with the outcome (an exception's type, never its message). */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
      span.setAttribute("error.type", error instanceof Error ? error.name : typeof error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Express middleware: a SERVER span around the rest of the chain, active while it runs (so resolvers,
 * Bond calls and transactions nest under it), ended when the response is sent.
 */
export function serverSpanMiddleware(tracer: Tracer, name: string, onFinish?: (span: Span, response: Response) => void): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const span = tracer.startSpan(name, {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": request.method, "url.path": request.originalUrl.split("?")[0] },
    });
    response.on("finish", () => {
      span.setAttribute("http.response.status_code", response.statusCode);
      onFinish?.(span, response);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}

/** Apollo plugin: names the request's span after the operation (`query customer`) and marks GraphQL errors. */
export function graphqlTracingPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      // Nothing to name or mark on a span that records nothing (no exporter, or not sampled): no hooks, then.
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          const { operation: rootField, type } = operationLabel(operation);
          span.updateName(`${type} ${rootField}`);
          span.setAttributes({
            "graphql.operation.type": type,
            "graphql.root_field": rootField,
            ...(operationName ? { "graphql.operation.name": operationName.slice(0, MAX_OPERATION_NAME_LENGTH) } : {}),
          });
        },
        async willSendResponse({ response, errors }) {
          const body = response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
          const codes = [...(errors ?? []), ...(body.errors ?? [])].map((error) =>
            typeof error.extensions?.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR",
          );
          if (codes.length > 0) span.setAttributes({ "graphql.error.codes": [...new Set(codes)] });
        },
      };
    },
  };
}

/** Wraps a Bond client: each call is a CLIENT span `bond <operation>`; retries are events on it (see `bondRetryEvent`). */
export function traceBondApi(bond: BondApi, tracer: Tracer): BondApi {
  const traced =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      inSpan(
        tracer,
        `bond ${operation}`,
        { "bond.operation": operation },
        async (span) => {
          try {
            return await call(...args);
          } catch (error) {
            span.setAttribute(
              "bond.outcome",
              error instanceof BondUnavailableError ? "unavailable" : error instanceof BondRequestError ? "rejected" : "error",
            );
            throw error;
          }
        },
        SpanKind.CLIENT,
      );
  return {
    createCustomer: traced("createCustomer", bond.createCustomer.bind(bond)),
    updateCustomer: traced("updateCustomer", bond.updateCustomer.bind(bond)),
    submitKyc: traced("submitKyc", bond.submitKyc.bind(bond)),
    getKycStatus: traced("getKycStatus", bond.getKycStatus.bind(bond)),
    uploadKycDocument: traced("uploadKycDocument", bond.uploadKycDocument.bind(bond)),
  };
}

/** Records a retry of the current Bond call as an event on its span. */
export function bondRetryEvent(info: { attempt: number; delayMs: number }): void {
  trace.getActiveSpan()?.addEvent("retry", { "bond.attempt": info.attempt, "bond.retry_delay_ms": info.delayMs });
}

/**
 * Each `db.transaction(…)` becomes a span `db.transaction` (the repositories' own code is untouched):
 * the method is wrapped on this database object.
 */
export function traceTransactions(db: Database, tracer: Tracer, system: string): void {
  const transaction = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args: unknown[]) =>
    inSpan(tracer, "db.transaction", { "db.system.name": system }, () => transaction(...args), SpanKind.CLIENT);
}
