import { createHash, timingSafeEqual } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, RequestHandler, Response } from "express";
import { Kind, type OperationDefinitionNode } from "graphql";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Tracer } from "@opentelemetry/api";
import type { BondApi } from "../bond/bond-client.js";
import { traceBondApi } from "./tracing.js";
import { BondRequestError, BondUnavailableError } from "../bond/bond-client.js";

export const METRICS_PATH = "/metrics";

/**
 * Prometheus metrics (prom-client) in a registry of the app's own, not prom-client's global one, so
 * several apps in one process (tests) never share or collide on counters.
 */
export interface Metrics {
  registry: Registry;
  graphqlOperations: Counter<"operation" | "type" | "transport" | "outcome">;
  graphqlDuration: Histogram<"operation" | "type">;
  webhookEvents: Counter<"event" | "outcome">;
  ignoredWebhooks: Counter<"reason">;
  openSubscriptions: Gauge;
  /** Subscription messages sent, and executions of a subscription's selection for them (a live change is executed once per group of alike subscribers). */
  subscriptionMessages: Counter;
  subscriptionExecutions: Counter;
  bondDuration: Histogram<"operation" | "outcome">;
  bondErrors: Counter<"operation" | "kind">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Node's process metrics under their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …),
  // so stock Node.js dashboards and alerts work unchanged.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    graphqlOperations: new Counter({
      name: "kyc_graphql_operations_total",
      help: "GraphQL operations by root field, operation type, transport (http, ws) and outcome (ok, error)",
      labelNames: ["operation", "type", "transport", "outcome"],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: "kyc_graphql_operation_duration_seconds",
      help: "Time to answer a GraphQL request over HTTP, by root field and operation type",
      labelNames: ["operation", "type"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    webhookEvents: new Counter({
      name: "kyc_bond_webhook_events_total",
      help: "Bond webhook requests by event type and outcome (changed, duplicate, stale, … or the refusal code)",
      labelNames: ["event", "outcome"],
      registers,
    }),
    ignoredWebhooks: new Counter({
      name: "kyc_bond_webhooks_ignored_total",
      help: "Well-signed Bond webhooks answered 2xx but not acted on, by reason (unknown-event, unmapped-status); redeliveries not counted",
      labelNames: ["reason"],
      registers,
    }),
    openSubscriptions: new Gauge({
      name: "kyc_graphql_open_subscriptions",
      help: "GraphQL subscriptions currently open over WebSocket",
      registers,
    }),
    subscriptionMessages: new Counter({
      name: "kyc_subscription_messages_total",
      help: "Subscription messages produced for WebSocket subscribers (one per subscriber per event)",
      registers,
    }),
    subscriptionExecutions: new Counter({
      name: "kyc_subscription_executions_total",
      help: "Executions of a subscription's selection set: a live change is executed once per distinct (document, variables, viewer kind) and shared by those subscribers; first and replayed messages once each",
      registers,
    }),
    bondDuration: new Histogram({
      name: "kyc_bond_request_duration_seconds",
      help: "Calls to Bond's API by operation and outcome (ok, rejected, unavailable)",
      labelNames: ["operation", "outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    bondErrors: new Counter({
      name: "kyc_bond_request_errors_total",
      help: "Failed calls to Bond's API by operation and kind (rejected = Bond answered 4xx, unavailable = unreachable, timeout, 5xx, 429)",
      labelNames: ["operation", "kind"],
      registers,
    }),
  };
}

/**
 * The label for an operation: its first root field (`submitKyc`, `customer`, `__schema`, …). Operation
 * names are chosen by clients and would let them grow the label set without bound; root fields are
 * fixed by the schema (the document has been validated when this is read).
 */
export function operationLabel(operation: OperationDefinitionNode | null | undefined): { operation: string; type: string } {
  if (!operation) return { operation: "(invalid)", type: "unknown" };
  const first = operation.selectionSet.selections[0];
  return { operation: first?.kind === Kind.FIELD ? first.name.value : "(fragment)", type: operation.operation };
}

interface HttpOperationLabels {
  duration: { operation: string; type: string };
  ok: { operation: string; type: string; transport: "http"; outcome: "ok" };
  error: { operation: string; type: string; transport: "http"; outcome: "error" };
}

/** The label sets of an operation, made once per parsed operation (Apollo's document cache hands back the same nodes). */
const httpLabelsByOperation = new WeakMap<OperationDefinitionNode, HttpOperationLabels>();

function httpOperationLabels(operation: OperationDefinitionNode | null | undefined): HttpOperationLabels {
  const cached = operation ? httpLabelsByOperation.get(operation) : undefined;
  if (cached) return cached;
  const duration = operationLabel(operation);
  const labels: HttpOperationLabels = {
    duration,
    ok: { ...duration, transport: "http", outcome: "ok" },
    error: { ...duration, transport: "http", outcome: "error" },
  };
  if (operation) httpLabelsByOperation.set(operation, labels);
  return labels;
}

/** Apollo plugin: counts and times each HTTP GraphQL request by operation. */
export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const startedAt = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, response, errors }) {
          const labels = httpOperationLabels(operation);
          const body = response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
          const failed = (errors?.length ?? 0) > 0 || (body.errors?.length ?? 0) > 0;
          metrics.graphqlOperations.inc(failed ? labels.error : labels.ok);
          metrics.graphqlDuration.observe(labels.duration, Number(process.hrtime.bigint() - startedAt) / 1e9);
        },
      };
    },
  };
}

/**
 * `GET /metrics`: the registry in Prometheus' text format, behind `Authorization: Bearer <token>` when a
 * token is configured (401 with a JSON code otherwise; compared in constant time).
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const expected = token ? digest(token) : null;
  return async (request: Request, response: Response) => {
    if (expected) {
      const match = /^Bearer\s+(\S+)$/i.exec(request.get("authorization") ?? "");
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        response
          .status(401)
          .set("WWW-Authenticate", 'Bearer realm="metrics"')
          .json({ code: "UNAUTHENTICATED", message: "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>." });
        return;
      }
    }
    response.set("Content-Type", metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/** The event of a webhook as the route recognised it (set in `response.locals`), for the metric's label. */
export const WEBHOOK_EVENT_LOCAL = "bondEvent";

/**
 * Express middleware in front of the webhook route: when the answer is sent, counts it by event and
 * outcome — the `result` of a stored event (changed, duplicate, …) or the refusal `code`, lower-cased.
 */
export function webhookMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (request: Request, response: Response, next) => {
    if (request.method !== "POST") return next();
    let outcome = "unknown";
    const json = response.json.bind(response);
    response.json = (body: unknown) => {
      const fields = (body ?? {}) as { code?: unknown; result?: unknown };
      const value = typeof fields.result === "string" ? fields.result : typeof fields.code === "string" ? fields.code : undefined;
      if (value) outcome = value.toLowerCase();
      return json(body);
    };
    response.on("finish", () => {
      const event = typeof response.locals[WEBHOOK_EVENT_LOCAL] === "string" ? response.locals[WEBHOOK_EVENT_LOCAL] : "unknown";
      metrics.webhookEvents.inc({ event, outcome: outcome === "unknown" ? `http_${response.statusCode}` : outcome });
    });
    next();
  };
}

/** Wraps a Bond client: each call is timed, failures are counted by kind, and (with a tracer) each call is a span. */
export function instrumentBondApi(
  bond: BondApi,
  metrics: Metrics,
  onCall?: (call: { operation: string; outcome: string; durationMs: number }) => void,
  tracer?: Tracer,
): BondApi {
  if (tracer) bond = traceBondApi(bond, tracer);
  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const startedAt = process.hrtime.bigint();
      let outcome = "ok";
      try {
        return await call(...args);
      } catch (error) {
        outcome = error instanceof BondUnavailableError ? "unavailable" : error instanceof BondRequestError ? "rejected" : "error";
        metrics.bondErrors.inc({ operation, kind: outcome });
        throw error;
      } finally {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        metrics.bondDuration.observe({ operation, outcome }, seconds);
        onCall?.({ operation, outcome, durationMs: Math.round(seconds * 10_000) / 10 }); // milliseconds, to a tenth
      }
    };
  return {
    createCustomer: timed("createCustomer", bond.createCustomer.bind(bond)),
    updateCustomer: timed("updateCustomer", bond.updateCustomer.bind(bond)),
    submitKyc: timed("submitKyc", bond.submitKyc.bind(bond)),
    getKycStatus: timed("getKycStatus", bond.getKycStatus.bind(bond)),
    uploadKycDocument: timed("uploadKycDocument", bond.uploadKycDocument.bind(bond)),
  };
}
