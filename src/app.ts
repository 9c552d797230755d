import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type NextFunction, type Request, type Response } from "express";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLError } from "graphql";
import { pino, type DestinationStream, type Logger } from "pino";
import { createTokenVerifier, signToken } from "./auth/token-verifier.js";
import { createBondClient } from "./bond/bond-client.js";
import { createBondSandbox, type BondSandbox } from "./bond-sandbox/bond-sandbox.js";
import type { AppConfig } from "./config.js";
import { openDatabase, type OpenDatabase } from "./db/database.js";
import { KycRepository } from "./db/kyc-repository.js";
import { WebhookReceiptRepository } from "./db/webhook-receipts.js";
import { isDatabaseUnavailable } from "./db/database-errors.js";
import { checkReadiness } from "./db/readiness.js";
import { ReconciliationRepository } from "./db/reconciliation-repository.js";
import { startKycReconciler, type KycReconciler } from "./kyc/kyc-reconciler.js";
import { DomainError, Unauthenticated } from "./domain/errors.js";
import type { Viewer } from "./domain/access.js";
import type { GraphQLContext } from "./graphql/context.js";
import { formatError, toGraphQLError } from "./graphql/errors.js";
import { complexityPlugin, limitRules } from "./graphql/limits.js";
import { buildKycSchema } from "./graphql/schema.js";
import { startGraphQLWebSocketServer } from "./graphql/websocket.js";
import { BOND_WEBHOOK_PATH, bondWebhookRouter } from "./http/bond-webhook.route.js";
import { graphqlBodyParser } from "./http/graphql-body.js";
import { maxUploadRequestBytes } from "./domain/kyc-document.js";
import { GRAPHIQL_ASSETS_PATH, graphiqlAssets, graphiqlHtml } from "./http/graphiql.js";
import { createRateLimits } from "./http/rate-limits.js";
import { currentKycStatus, KycService, type Clock } from "./kyc/kyc-service.js";
import { createMetrics, graphqlMetricsPlugin, instrumentBondApi, METRICS_PATH, webhookMetricsMiddleware, type Metrics } from "./observability/metrics.js";
import { requestContextMiddleware, requestLogFields } from "./observability/request-context.js";
import { createInProcessKycStatusBus, type KycStatusBus } from "./realtime/kyc-status-bus.js";
import { createPostgresKycStatusBus } from "./realtime/postgres-kyc-status-bus.js";
import { createPiiVault, developmentPiiKey } from "./security/pii-vault.js";

export const GRAPHQL_PATH = "/graphql";
export const SANDBOX_PATH = "/bond/api/v0.1";

/** Things a test (or an embedding program) may swap; production uses the defaults. */
export interface AppOverrides {
  clock?: Clock;
  /** Where JSON log lines go (default stdout). */
  logStream?: DestinationStream;
}

export interface App {
  url: string;
  graphqlUrl: string;
  websocketUrl: string;
  webhookUrl: string;
  /** Base URL of the Bond API in use (the embedded sandbox's, when it is mounted). */
  bondApiUrl: string;
  database: OpenDatabase;
  /** Resends abandoned attempts and looks up overdue outcomes (runs at start and every RECONCILE_INTERVAL_MS). */
  reconciler: KycReconciler;
  kycStatusBus: KycStatusBus;
  /** The embedded Bond sandbox, when no BOND_API_URL is configured. */
  bondSandbox: BondSandbox | null;
  /** The secret webhooks must be signed with (generated for the embedded sandbox). */
  webhookSecret: string;
  /** In AUTH_DEV_MODE (no auth configured): a service token for GraphiQL and curl, printed at start. */
  devServiceToken: string | null;
  logger: Logger;
  /** Prometheus metrics of this app (served at GET /metrics). */
  metrics: Metrics;
  close(): Promise<void>;
}

/** Personal fields that must never reach a log line, wherever they appear. */
const REDACTED_PATHS = ["ssn", "*.ssn", "*.*.ssn", "input.ssn", "variables.input.ssn", "body", "req.body", "*.body", "authorization", "*.authorization", "req.headers.authorization", "req.headers.identity", "token", "*.token"];

/**
 * Builds and starts the whole service: database (migrated), Bond client (and the embedded sandbox
 * when no Bond URL is configured), KYC service, GraphQL over HTTP and WebSocket, the webhook route.
 * Resolves once it listens; `close()` stops everything in reverse order.
 */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? (() => new Date());
  // `mixin` adds the id of the request being handled (AsyncLocalStorage) to every line, however deep the caller.
  const logger = pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: { service: "kyc-graphql" }, mixin: requestLogFields }, overrides.logStream);
  const metrics = createMetrics();

  const developmentKey = config.piiKey ? null : developmentPiiKey(config.dataDir);
  if (developmentKey) logger.warn({ keySource: developmentKey.source }, "PII_KEY not set: using a development key");
  const vault = createPiiVault(config.piiKey ?? developmentKey!.key, config.piiPreviousKeys);

  // Dev mode: a random signing secret for this run and a service token to go with it (printed by main).
  const jwtSecret = config.auth.jwtSecret ?? (config.auth.devMode ? randomBytes(48).toString("base64url") : undefined);
  const verifyToken = createTokenVerifier({ ...config.auth, secret: jwtSecret, clockToleranceSeconds: 5, clock });
  const devServiceToken = config.auth.devMode
    ? await signToken({ secret: jwtSecret!, issuer: config.auth.issuer, audience: config.auth.audience }, { sub: "dev-service", scope: config.auth.serviceScope }, 12 * 3600, clock())
    : null;
  if (devServiceToken) logger.warn("AUTH_DEV_MODE: no AUTH_JWT_SECRET/AUTH_JWKS_URL configured; a development service token was issued (see the start-up banner)");
  const rateLimits = createRateLimits(config.limits);

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const httpServer: Server = createServer();
  const localBase = () => {
    const address = httpServer.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? config.port}`;
  };

  const embedded = !config.bond.apiUrl;
  const webhookSecret = config.bond.webhookSecrets[0] ?? randomBytes(32).toString("hex");
  const bondSandbox = embedded
    ? createBondSandbox({
        identity: config.bond.identity,
        authorization: config.bond.authorization,
        webhookSecret,
        webhookSignedContent: config.bond.webhookSignedContent,
        webhookUrl: () => (httpServer.listening ? `${localBase()}${BOND_WEBHOOK_PATH}` : undefined),
        webhookDelayMs: config.sandbox.webhookDelayMs,
        // Bond has its own clock: the sandbox can run ahead of or behind ours (SANDBOX_CLOCK_OFFSET_MS).
        clock: () => new Date(clock().getTime() + config.sandbox.clockOffsetMs),
        logger: logger.child({ component: "bond-sandbox" }),
      })
    : null;
  const bondApiUrl = () => config.bond.apiUrl ?? `${localBase()}${SANDBOX_PATH}`;
  const bondLogger = logger.child({ component: "bond-client" });
  const bond = instrumentBondApi(
    createBondClient({
      baseUrl: bondApiUrl,
      identity: config.bond.identity,
      authorization: config.bond.authorization,
      timeoutMs: config.bond.timeoutMs,
      retry: config.bond.retry,
      onRetry: (info) => bondLogger.warn(info, "Bond unavailable; retrying"),
    }),
    metrics,
    (call) => bondLogger.debug(call, "bond call"),
  );

  const repository = new KycRepository(database.db);
  // On real Postgres every instance hears every change (pg_notify/LISTEN); PGlite has one process.
  const bus =
    database.kind === "postgres"
      ? await createPostgresKycStatusBus({
          databaseUrl: config.databaseUrl!,
          loadCurrent: async (ids) => (await repository.findKycStatuses(ids)).map(currentKycStatus),
          logger: logger.child({ component: "kyc-status-bus" }),
          applicationName: `kyc-graphql listen pid=${process.pid}`,
        })
      : createInProcessKycStatusBus();
  const receipts = new WebhookReceiptRepository(database.db);
  // Receipts older than the timestamp tolerance are useless (such a timestamp is refused as stale).
  const purgeReceipts = setInterval(() => {
    receipts.purgeBefore(new Date(clock().getTime() - 2 * config.bond.webhookToleranceSeconds * 1000)).catch((error: unknown) => logger.warn({ err: String(error) }, "could not purge webhook receipts"));
  }, 60_000);
  purgeReceipts.unref();
  // Idempotency keys are honoured 24 hours (like Bond's); after that they and their fingerprints go.
  const purgeIdempotencyKeys =
    config.idempotencyPurgeIntervalMs > 0
      ? setInterval(() => {
          repository
            .purgeIdempotencyKeysExpiredBy(clock())
            .then((purged) => (purged > 0 ? logger.info({ purged }, "expired idempotency keys purged") : undefined))
            .catch((error: unknown) => logger.warn({ err: String(error) }, "could not purge expired idempotency keys"));
        }, config.idempotencyPurgeIntervalMs)
      : null;
  purgeIdempotencyKeys?.unref();
  const kyc = new KycService({
    repository,
    receipts,
    bond,
    bus,
    vault,
    clock,
    logger,
    documentMaxBytes: config.kycDocuments.maxBytes,
    // Test-only (refused in production by config): die like a crash right after Bond accepted, before our commit.
    afterBondAccepted: config.faults.crashAfterBondAccept ? () => process.kill(process.pid, "SIGKILL") : undefined,
  });

  const schema = await buildKycSchema();
  const queryLimits = { ...config.graphql };
  // Errors over WebSocket go through the same formatter as over HTTP: same codes, internals masked.
  const formatGraphQLError = formatError(logger);
  const formatErrors = (errors: readonly GraphQLError[]) => errors.map((error) => formatGraphQLError(error.toJSON(), error));
  // One logger for every WebSocket operation: thousands of subscriptions stay open (see BENCHMARKS.md).
  const websocketLogger = logger.child({ transport: "ws" });
  const websocket = startGraphQLWebSocketServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    verifyToken,
    context: (viewer: Viewer): GraphQLContext => ({ kyc, viewer, rateLimits, logger: websocketLogger }),
    formatErrors,
    validationRules: limitRules(queryLimits),
    maxComplexity: config.graphql.maxComplexity,
    connectionInitTimeoutMs: config.limits.wsConnectionInitTimeoutMs,
    maxSubscriptionsPerConnection: config.limits.wsMaxSubscriptionsPerConnection,
    clock,
    logger: logger.child({ component: "websocket" }),
    metrics,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: formatGraphQLError,
    introspection: config.graphql.introspection,
    validationRules: limitRules(queryLimits),
    // Kept explicit: Apollo's defaults, and part of our security posture (see SECURITY.md).
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM and calls close(); Apollo's own handlers would race it and hang stop().
    stopOnTerminationSignals: false,
    plugins: [
      // Waits for in-flight requests (a webhook's transaction included) for up to 5 s, well inside main's 10 s limit.
      // WebSockets are closed before (close() below), with 1001 rather than a socket the HTTP drain cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      // We send no cache hints; the default cache-control plugin would still compute a policy for every field.
      ApolloServerPluginCacheControlDisabled(),
      complexityPlugin(schema, config.graphql.maxComplexity),
      graphqlMetricsPlugin(metrics),
      // GraphiQL from our own assets: Apollo's default landing page loads Apollo Sandbox from a CDN.
      config.graphql.graphiql
        ? {
            async serverWillStart() {
              const defaultHeaders = devServiceToken ? { Authorization: `Bearer ${devServiceToken}` } : undefined;
              return { async renderLandingPage() { return { html: graphiqlHtml({ graphqlPath: GRAPHQL_PATH, title: "kyc-graphql", defaultHeaders }) }; } };
            },
          }
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");
  app.use(requestContextMiddleware(logger));
  // Express would hash every response body for an ETag; API responses are never revalidated by it.
  app.set("etag", false);
  if (config.limits.trustProxy) app.set("trust proxy", config.limits.trustProxy);
  const perIp = rateLimits.perIp();
  app.get("/healthz", perIp, (_request, response) => {
    response.json({ status: "ok" });
  });
  app.get("/readyz", perIp, async (_request, response) => {
    const readiness = await checkReadiness(database.db, 2_000);
    if (readiness.ready) return void response.json({ status: "ready" });
    response.status(503).json({ status: "not-ready", reason: readiness.reason });
  });
  app.get(METRICS_PATH, perIp, async (_request, response) => {
    response.set("Content-Type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (config.graphql.graphiql) app.use(GRAPHIQL_ASSETS_PATH, perIp, graphiqlAssets());
  if (bondSandbox) app.use(SANDBOX_PATH, bondSandbox.router);
  app.use(BOND_WEBHOOK_PATH, webhookMetricsMiddleware(metrics));
  app.use(
    bondWebhookRouter({
      kyc,
      logger: logger.child({ component: "webhook" }),
      secrets: config.bond.webhookSecrets.length > 0 ? config.bond.webhookSecrets : [webhookSecret],
      toleranceSeconds: config.bond.webhookToleranceSeconds,
      signedContent: config.bond.webhookSignedContent,
      allowedIps: config.bond.webhookAllowedIps,
      rateLimits,
      clock,
      metrics,
    }),
  );
  app.use(
    GRAPHQL_PATH,
    graphqlBodyParser({ defaultLimitBytes: 256 * 1024, uploadLimitBytes: Math.max(256 * 1024, maxUploadRequestBytes(config.kycDocuments.maxBytes)), verifyToken }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = await verifyToken(req.get("authorization"));
        if (viewer.kind === "anonymous") {
          // Requests without valid credentials spend the source address's budget (guessing is slowed down).
          try {
            await rateLimits.consumeAnonymous(req.ip ?? "unknown");
          } catch (error) {
            throw error instanceof DomainError ? toGraphQLError(error) : error;
          }
          throw toGraphQLError(new Unauthenticated(viewer.reason));
        }
        return { kyc, viewer, rateLimits, logger };
      },
    }),
  );
  app.use((_request: Request, response: Response) => {
    response.status(404).json({ code: "NOT_FOUND", message: "No such route." });
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (isDatabaseUnavailable(error)) {
      response.status(503).json({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; retry shortly." });
      return;
    }
    const status = typeof error === "object" && error && "status" in error && typeof error.status === "number" ? error.status : 500;
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "MALFORMED_JSON" : "INTERNAL_ERROR";
    if (status >= 500) logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "request failed");
    response.status(status).json({ code, message: status === 413 ? "The request body is too large." : status === 400 ? "The request body is not valid JSON." : "Internal error." });
  });
  httpServer.on("request", app);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${address.port}`;

  const reconciler = startKycReconciler({
    kyc,
    repository: new ReconciliationRepository(database.db),
    clock,
    logger: logger.child({ component: "reconciler" }),
    ...config.reconcile,
  });
  // At start: finish what a previous process left half done (it may have died mid-send).
  void reconciler.runOnce();

  let closing: Promise<void> | null = null;
  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    websocketUrl: `${url.replace(/^http/, "ws")}${GRAPHQL_PATH}`,
    webhookUrl: `${url}${BOND_WEBHOOK_PATH}`,
    bondApiUrl: bondApiUrl(),
    database,
    reconciler,
    kycStatusBus: bus,
    bondSandbox,
    webhookSecret,
    devServiceToken,
    logger,
    metrics,
    close() {
      closing ??= (async () => {
        clearInterval(purgeReceipts);
        if (purgeIdempotencyKeys) clearInterval(purgeIdempotencyKeys);
        await reconciler.close();
        await bondSandbox?.close();
        // WebSockets first, so each client gets 1001 (going away) rather than a socket the HTTP drain cut.
        await websocket.dispose();
        await apollo.stop(); // stops accepting, then drains HTTP (plugin above)
        await bus.close();
        await database.close();
      })();
      return closing;
    },
  };
}
