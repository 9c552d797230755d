import type { IncomingMessage, RequestListener } from "node:http";
import type { Tracer } from "@opentelemetry/api";
import express from "express";
import type { Logger } from "pino";
import type { BondSandbox } from "../bond-sandbox/bond-sandbox.js";
import type { Database } from "../db/database.js";
import { METRICS_PATH, metricsHandler, WEBHOOK_EVENT_LOCAL, webhookMetricsMiddleware, type Metrics } from "../observability/metrics.js";
import { requestContextMiddleware } from "../observability/request-context.js";
import { serverSpanMiddleware } from "../observability/tracing.js";
import { bondWebhookEndpoint } from "./bond-webhook-endpoint.js";
import { BOND_WEBHOOK_PATH, bondWebhookRouter, bondWebhookSteps, type BondWebhookRouteOptions } from "./bond-webhook.route.js";
import { errorHandler, notFound } from "./error-handler.js";
import { GRAPHIQL_ASSETS_PATH, graphiqlAssets } from "./graphiql.js";
import { graphqlEndpoint, type GraphQLRouteOptions } from "./graphql-route.js";
import { HEALTH_PATH, healthRoutes, READINESS_PATH } from "./health.js";
import type { RateLimits } from "./rate-limits.js";

/** Where the embedded Bond sandbox is mounted (its base URL is this server's plus this path). */
export const SANDBOX_PATH = "/bond/api/v0.1";

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  db: Database;
  rateLimits: RateLimits;
  /** Express `trust proxy` (TRUST_PROXY); absent = none. */
  trustProxy?: string;
  /** GET /metrics wants this bearer token when set (METRICS_TOKEN). */
  metricsToken?: string;
  /** Serve GraphiQL's assets (GraphiQL itself is Apollo's landing page). */
  graphiql: boolean;
  bondSandbox: BondSandbox | null;
  webhook: BondWebhookRouteOptions;
  graphql: GraphQLRouteOptions;
}

/**
 * The HTTP routes, in order: health and readiness, metrics, GraphiQL's assets, the embedded Bond sandbox,
 * Bond's webhook, GraphQL; then 404 for anything else and the error handler. A request for exactly
 * GRAPHQL_PATH, and a POST of an unencoded body to exactly BOND_WEBHOOK_PATH (the hot paths), are answered in
 * front of Express, with the same steps (`graphqlEndpoint`, `bondWebhookEndpoint`).
 */
export function createHttpApp(options: HttpAppOptions): RequestListener {
  const { logger, metrics, tracer, rateLimits } = options;
  const app = express();
  app.disable("x-powered-by");
  const quietPaths = new Set([HEALTH_PATH, READINESS_PATH, METRICS_PATH]);
  // The embedded Bond sandbox's own traffic is the upstream talking to itself, not a client: debug too.
  app.use(
    requestContextMiddleware(logger, {
      quietPath: (path) => quietPaths.has(path) || path.startsWith(`${GRAPHIQL_ASSETS_PATH}/`) || path.startsWith(`${SANDBOX_PATH}/`),
    }),
  );
  // Express would hash every response body for an ETag; API responses are never revalidated by it.
  app.set("etag", false);
  if (options.trustProxy) app.set("trust proxy", options.trustProxy);
  const perIp = rateLimits.perIp();
  app.use(healthRoutes(options.db, perIp));
  app.get(METRICS_PATH, perIp, metricsHandler(metrics, options.metricsToken));
  if (options.graphiql) app.use(GRAPHIQL_ASSETS_PATH, perIp, graphiqlAssets());
  if (options.bondSandbox) app.use(SANDBOX_PATH, options.bondSandbox.router);
  app.use(BOND_WEBHOOK_PATH, webhookMetricsMiddleware(metrics));
  app.post(
    BOND_WEBHOOK_PATH,
    serverSpanMiddleware(tracer, "bond webhook", (span, response) => {
      if (typeof response.locals[WEBHOOK_EVENT_LOCAL] === "string")
        span.setAttribute("bond.webhook.event", response.locals[WEBHOOK_EVENT_LOCAL]);
    }),
  );
  const webhookSteps = bondWebhookSteps(options.webhook);
  app.use(bondWebhookRouter(webhookSteps));
  // The client's address exactly as Express's `request.ip` reads it (with `trust proxy`), for requests Express never sees.
  const clientIp = (request: IncomingMessage): string | undefined =>
    Reflect.get(express.request, "ip", { app, headers: request.headers, connection: request.socket, socket: request.socket });
  const graphql = graphqlEndpoint(options.graphql, { clientIp, logger });
  const webhook = bondWebhookEndpoint({ steps: webhookSteps, clientIp, accessLogger: logger, logger, tracer, metrics });
  app.use(graphql.router);
  app.use(notFound);
  app.use(errorHandler(logger));
  return (request, response) => {
    if (!graphql.handle(request, response) && !webhook(request, response)) app(request, response);
  };
}
