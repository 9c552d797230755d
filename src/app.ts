import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type NextFunction, type Request, type Response } from "express";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLError } from "graphql";
import { pino, type DestinationStream, type Logger } from "pino";
import { developmentSigningSecret } from "./auth/dev-signing-key.js";
import { createTokenVerifier, signToken } from "./auth/token-verifier.js";
import { BondUnavailableError, createBondClient } from "./bond/bond-client.js";
import { createBondWebhookApi, ensureWebhookSubscription } from "./bond/bond-webhooks.js";
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
import { complexityPlugin, documentSizeRefusal, limitRules, parseOptions } from "./graphql/limits.js";
import { buildKycSchema } from "./graphql/schema.js";
import { startGraphQLWebSocketServer } from "./graphql/websocket.js";
import { BOND_WEBHOOK_PATH, bondWebhookRouter } from "./http/bond-webhook.route.js";
import { graphqlCors } from "./http/cors.js";
import { graphqlBodyParser } from "./http/graphql-body.js";
import { trustedDocumentsMiddleware } from "./http/trusted-documents.js";
import { loadTrustedDocuments } from "./graphql/trusted-documents.js";
import { maxUploadRequestBytes } from "./domain/kyc-document.js";
import { GRAPHIQL_ASSETS_PATH, graphiqlAssets, graphiqlHtml } from "./http/graphiql.js";
import { createRateLimits } from "./http/rate-limits.js";
import { currentKycStatus, KycService, type Clock } from "./kyc/kyc-service.js";
import { createMetrics, graphqlMetricsPlugin, instrumentBondApi, METRICS_PATH, metricsHandler, WEBHOOK_EVENT_LOCAL, webhookMetricsMiddleware, type Metrics } from "./observability/metrics.js";
import { requestContextMiddleware, requestLogFields } from "./observability/request-context.js";
import { bondRetryEvent, createTracing, graphqlTracingPlugin, serverSpanMiddleware, traceTransactions } from "./observability/tracing.js";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createInProcessKycStatusBus, type KycStatusBus } from "./realtime/kyc-status-bus.js";
import { createRedisKycStatusBus } from "./realtime/redis-kyc-status-bus.js";
import { createPostgresKycStatusBus } from "./realtime/postgres-kyc-status-bus.js";
import { createPiiVault, developmentPiiKey } from "./security/pii-vault.js";

export const GRAPHQL_PATH = "/graphql";
export const SANDBOX_PATH = "/bond/api/v0.1";

/** Things a test (or an embedding program) may swap; production uses the defaults. */
export interface AppOverrides {
  clock?: Clock;
  /** Where JSON log lines go (default stdout). */
  logStream?: DestinationStream;
  /** Extra OpenTelemetry span processors (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
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

/** Runs `work`, again after `delayMs` (doubled each time) while Bond is unavailable, at most `attempts` times. */
async function retryUnavailable<T>(work: () => Promise<T>, attempts: number, delayMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof BondUnavailableError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
}

/** Personal fields that must never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  "ssn", "*.ssn", "*.*.ssn", "input.ssn", "variables.input.ssn",
  // A second line of defence behind the error formatter: GraphQL variables and inputs are never logged.
  "variables", "*.variables", "input", "*.input", "payload.variables", "*.payload.variables",
  "body", "req.body", "*.body", "authorization", "*.authorization", "req.headers.authorization", "req.headers.identity", "token", "*.token",
];

/**
 * Builds and starts the whole service: database (migrated), Bond client (and the embedded sandbox
 * when no Bond URL is configured), KYC service, GraphQL over HTTP and WebSocket, the webhook route.
 * Resolves once it listens; `close()` stops everything in reverse order.
 */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? (() => new Date());
  // `mixin` adds the id of the request being handled (AsyncLocalStorage) to every line, however deep the caller.
  const logger = pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: { service: "kyc-graphql", pid: process.pid, hostname: hostname() }, mixin: requestLogFields }, overrides.logStream);
  const metrics = createMetrics();
  const tracing = createTracing({ ...config.tracing, spanProcessors: overrides.spanProcessors });
  const { tracer } = tracing;
  // TRUSTED_DOCUMENTS: the app's persisted documents (codegen's manifest); a bad file stops the start before anything opens.
  const trustedDocuments = config.trustedDocuments ? loadTrustedDocuments(config.trustedDocuments.manifestPath, config.trustedDocuments.mode) : null;
  if (trustedDocuments) logger.info({ documents: trustedDocuments.size, mode: trustedDocuments.mode }, "trusted documents loaded");

  const developmentKey = config.piiKey ? null : developmentPiiKey(config.dataDir);
  if (developmentKey) logger.warn({ keySource: developmentKey.source }, "PII_KEY not set: using a development key");
  const vault = createPiiVault(config.piiKey ?? developmentKey!.key, config.piiPreviousKeys);

  // Dev mode: a signing secret kept in DATA_DIR (so `npm run token` tokens survive restarts) and a service token (printed by main).
  const devSigningKey = !config.auth.jwtSecret && config.auth.devMode ? developmentSigningSecret(config.dataDir) : null;
  const jwtSecret = config.auth.jwtSecret ?? devSigningKey?.secret;
  const verifyToken = createTokenVerifier({ ...config.auth, secret: jwtSecret, clockToleranceSeconds: 5, clock });
  const devServiceToken = config.auth.devMode
    ? await signToken({ secret: jwtSecret!, issuer: config.auth.issuer, audience: config.auth.audience }, { sub: "dev-service", scope: config.auth.serviceScope }, 12 * 3600, clock())
    : null;
  if (devServiceToken) logger.warn({ keySource: devSigningKey?.source }, "AUTH_DEV_MODE: no AUTH_JWT_SECRET/AUTH_JWKS_URL configured; tokens are signed with a development key (npm run token prints one; a service token is in the start-up banner)");

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, bounds: config.database });
  const rateLimits = createRateLimits(config.limits, database.kind === "postgres" ? database.db : null);
  traceTransactions(database.db, tracer, database.kind === "postgres" ? "postgresql" : "pglite");
  // Slow or idle clients are cut off rather than holding a socket (Node's defaults allow minutes).
  const httpServer: Server = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Node checks those two timeouts on this interval (30 s by default), so it bounds how late a slow client is cut.
    connectionsCheckingInterval: Math.min(1_000, config.http.headersTimeoutMs),
  });
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs; // not every Node 20 reads it from the options
  const localBase = () => {
    const address = httpServer.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? config.port}`;
  };

  const embedded = config.bond.embeddedSandbox;
  const webhookSecret = config.bond.webhookSecrets[0] ?? randomBytes(32).toString("hex");
  const bondSandbox = embedded
    ? createBondSandbox({
        identity: config.bond.identity,
        authorization: config.bond.authorization,
        webhookSecret,
        webhookSignedContent: config.bond.webhookSignedContent,
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
      onRetry: (info) => {
        bondLogger.warn(info, "Bond unavailable; retrying");
        bondRetryEvent(info);
      },
    }),
    metrics,
    (call) => bondLogger.debug(call, "bond call"),
    tracer,
  );

  const repository = new KycRepository(database.db);
  // On real Postgres every instance hears every change (outbox relayed with pg_notify/LISTEN, or through
  // Redis when EVENT_BUS_URL is set); PGlite has one process.
  const loadCurrentStatuses = async (ids: string[]) => (await repository.findKycStatuses(ids)).map(currentKycStatus);
  const bus =
    database.kind === "postgres" && config.eventBus.redisUrl
      ? await createRedisKycStatusBus({
          redisUrl: config.eventBus.redisUrl,
          databaseUrl: config.databaseUrl!,
          loadCurrent: loadCurrentStatuses,
          logger: logger.child({ component: "kyc-status-bus" }),
          retryDelayMs: config.database.listenRetryDelayMs,
          maxRetryDelayMs: config.database.listenRetryMaxDelayMs,
          connectTimeoutMs: config.database.connectTimeoutMs,
          outboxPollIntervalMs: config.eventBus.outboxPollIntervalMs,
          connectionName: `kyc-graphql pid=${process.pid}`,
        })
      : database.kind === "postgres"
      ? await createPostgresKycStatusBus({
          databaseUrl: config.databaseUrl!,
          loadCurrent: loadCurrentStatuses,
          logger: logger.child({ component: "kyc-status-bus" }),
          retryDelayMs: config.database.listenRetryDelayMs,
          maxRetryDelayMs: config.database.listenRetryMaxDelayMs,
          connectTimeoutMs: config.database.connectTimeoutMs,
          applicationName: `kyc-graphql listen pid=${process.pid}`,
          outboxPollIntervalMs: config.eventBus.outboxPollIntervalMs,
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
    queryLimits,
    maxComplexity: config.graphql.maxComplexity,
    connectionInitTimeoutMs: config.limits.wsConnectionInitTimeoutMs,
    maxSubscriptionsPerConnection: config.limits.wsMaxSubscriptionsPerConnection,
    trustedDocuments,
    clock,
    logger: logger.child({ component: "websocket" }),
    metrics,
    tracer,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: formatGraphQLError,
    // Apollo's own messages go through pino too (same redaction, same destination).
    logger: logger.child({ component: "apollo" }),
    introspection: config.graphql.introspection,
    validationRules: limitRules(queryLimits),
    // The token limit: a huge document is refused while it is parsed, before any rule walks it.
    parseOptions: parseOptions(queryLimits),
    // Part of our security posture (see SECURITY.md). A GET (or a simple POST) runs only with a header a browser
    // cannot send cross-origin without a CORS preflight: Apollo's two, plus `authorization`, which every
    // operation here needs anyway. So queries by GET work (urql's preferGetMethod) without opening CSRF;
    // mutations are never run by GET (Apollo answers 405).
    csrfPrevention: { requestHeaders: ["authorization", "apollo-require-preflight", "x-apollo-operation-name"] },
    allowBatchedHttpRequests: false,
    // Automatic persisted queries off on purpose: any client could register any document by its hash, which
    // defeats a trusted-documents list; documents are persisted at build time instead (TRUSTED_DOCUMENTS).
    persistedQueries: false,
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
      graphqlTracingPlugin(),
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
  const quietPaths = new Set(["/healthz", "/readyz", METRICS_PATH]);
  // The embedded Bond sandbox's own traffic is the upstream talking to itself, not a client: debug too.
  app.use(requestContextMiddleware(logger, { quietPath: (path) => quietPaths.has(path) || path.startsWith(`${GRAPHIQL_ASSETS_PATH}/`) || path.startsWith(`${SANDBOX_PATH}/`) }));
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
  app.get(METRICS_PATH, perIp, metricsHandler(metrics, config.metrics.token));
  if (config.graphql.graphiql) app.use(GRAPHIQL_ASSETS_PATH, perIp, graphiqlAssets());
  if (bondSandbox) app.use(SANDBOX_PATH, bondSandbox.router);
  app.use(BOND_WEBHOOK_PATH, webhookMetricsMiddleware(metrics));
  app.post(
    BOND_WEBHOOK_PATH,
    serverSpanMiddleware(tracer, "bond webhook", (span, response) => {
      if (typeof response.locals[WEBHOOK_EVENT_LOCAL] === "string") span.setAttribute("bond.webhook.event", response.locals[WEBHOOK_EVENT_LOCAL] as string);
    }),
  );
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
    serverSpanMiddleware(tracer, "graphql"),
    // Browser apps on other origins (CORS_ORIGINS); the webhook route above never gets CORS headers.
    graphqlCors(config.corsOrigins),
    graphqlBodyParser({ defaultLimitBytes: 256 * 1024, uploadLimitBytes: Math.max(256 * 1024, maxUploadRequestBytes(config.kycDocuments.maxBytes)), verifyToken }),
    ...(trustedDocuments ? [trustedDocumentsMiddleware(trustedDocuments)] : []),
    // Tokens and nesting, counted without recursion before graphql-js parses (the same check as over WebSocket).
    (request: Request, response: Response, next: NextFunction) => {
      const query = (request.body as { query?: unknown } | undefined)?.query ?? request.query?.query;
      const refusal = typeof query === "string" ? documentSizeRefusal(query, queryLimits) : null;
      if (!refusal) return next();
      response.status(400).json({ errors: [{ message: refusal.message, extensions: { code: refusal.extensions.code } }] });
    },
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

  // Bond delivers only to subscribed URLs: make sure ours is subscribed, exactly once (with the embedded
  // sandbox too, exactly as with Bond). Without PUBLIC_URL a real Bond cannot reach us: nothing to register.
  const subscribedWebhookUrl = config.publicUrl ? `${config.publicUrl}${BOND_WEBHOOK_PATH}` : embedded ? `${localBase()}${BOND_WEBHOOK_PATH}` : null;
  let registration: NodeJS.Timeout | null = null;
  if (subscribedWebhookUrl) {
    const webhookApi = createBondWebhookApi({ baseUrl: bondApiUrl, identity: config.bond.identity, authorization: config.bond.authorization, timeoutMs: config.bond.timeoutMs });
    const registrationLogger = logger.child({ component: "bond-webhooks" });
    const register = async (): Promise<boolean> => {
      try {
        // A few quick tries first: a kept-alive connection Bond just closed fails one request, not Bond.
        const ensured = await retryUnavailable(() => ensureWebhookSubscription(webhookApi, subscribedWebhookUrl, registrationLogger), 3, 300);
        if (ensured.created && ensured.secret && !embedded && !config.bond.webhookSecrets.includes(ensured.secret)) {
          registrationLogger.error(
            { subscriptionId: ensured.subscription.id },
            "Bond issued a new signing secret for the webhook subscription made at start, and BOND_WEBHOOK_SECRET is not it: webhooks will be refused until it is set (npm run bond:webhooks -- delete/create prints a new one)",
          );
        }
        return true;
      } catch (error) {
        registrationLogger.error({ err: error instanceof Error ? error.message : String(error), webhookUrl: subscribedWebhookUrl }, "could not register the Bond webhook subscription; retrying in 60 s");
        return false;
      }
    };
    // Awaited at start (so no KYC is sent before Bond knows where to answer), then retried in the background if it failed.
    if (!(await register())) {
      registration = setInterval(() => {
        void register().then((done) => {
          if (done && registration) clearInterval(registration);
        });
      }, 60_000);
      registration.unref();
    }
  }

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
        if (registration) clearInterval(registration);
        if (purgeIdempotencyKeys) clearInterval(purgeIdempotencyKeys);
        await reconciler.close();
        await bondSandbox?.close();
        // WebSockets first, so each client gets 1001 (going away) rather than a socket the HTTP drain cut.
        await websocket.dispose();
        await apollo.stop(); // stops accepting, then drains HTTP (plugin above)
        await bus.close();
        await database.close();
        await tracing.close();
      })();
      return closing;
    },
  };
}
