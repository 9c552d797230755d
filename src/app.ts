/* eslint-disable max-lines -- the composition root: it builds every part in start-up order and tears them down in reverse; each part's code lives in its own file */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { DestinationStream, Logger } from "pino";
import type { GraphQLError } from "graphql";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startPurgeJobs } from "./app/purge-jobs.js";
import { keepWebhookSubscribed } from "./app/webhook-subscription.js";
import { developmentSigningSecret } from "./auth/dev-signing-key.js";
import { createTokenVerifier, signToken } from "./auth/token-verifier.js";
import { createBondClient } from "./bond/bond-client.js";
import { createBondSandbox, type BondSandbox } from "./bond-sandbox/bond-sandbox.js";
import { DEV_SERVICE_TOKEN_TTL_SECONDS, DEV_WEBHOOK_SECRET_BYTES, TOKEN_CLOCK_TOLERANCE_SECONDS, type AppConfig } from "./config.js";
import { openDatabase, type OpenDatabase } from "./db/database.js";
import { KycRepository } from "./db/kyc-repository.js";
import { WebhookReceiptRepository } from "./db/webhook-receipts.js";
import { ReconciliationRepository } from "./db/reconciliation-repository.js";
import { startKycReconciler, type KycReconciler } from "./kyc/kyc-reconciler.js";
import type { Viewer } from "./domain/access.js";
import { formatError } from "./graphql/errors.js";
import { limitRules } from "./graphql/limits.js";
import { buildKycSchema } from "./graphql/schema.js";
import { startGraphQLWebSocketServer } from "./graphql/websocket.js";
import { loadTrustedDocuments } from "./graphql/trusted-documents.js";
import { createApolloServer } from "./http/apollo.js";
import { BOND_WEBHOOK_PATH } from "./http/bond-webhook.route.js";
import { graphqlContext } from "./http/graphql-context.js";
import { GRAPHQL_PATH } from "./http/graphql-route.js";
import { createHttpApp, SANDBOX_PATH } from "./http/http-app.js";
import { createHttpServer, listen, loopbackUrl } from "./http/http-server.js";
import { createRateLimits } from "./http/rate-limits.js";
import { currentKycStatus, KycService, type Clock } from "./kyc/kyc-service.js";
import { createLogger } from "./observability/logger.js";
import { createMetrics, instrumentBondApi, type Metrics } from "./observability/metrics.js";
import { bondRetryEvent, createTracing, traceTransactions } from "./observability/tracing.js";
import type { KycStatusBus } from "./realtime/kyc-status-bus.js";
import { createKycStatusBus } from "./realtime/create-kyc-status-bus.js";
import { createPiiVault, developmentPiiKey } from "./security/pii-vault.js";

/**
 * The composition root: builds every part from the configuration and wires them together. What each part
 * does lives in its own module: HTTP routes in http/http-app.ts, Apollo in http/apollo.ts, GraphiQL in
 * http/graphiql.ts, the GraphQL context in http/graphql-context.ts, background jobs in app/.
 */
export { GRAPHQL_PATH, SANDBOX_PATH };

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

/**
 * Builds and starts the whole service: database (migrated), Bond client (and the embedded sandbox
 * when no Bond URL is configured), KYC service, GraphQL over HTTP and WebSocket, the webhook route.
 * Resolves once it listens; `close()` stops everything in reverse order.
 */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? (() => new Date());
  const logger = createLogger(config.logLevel, overrides.logStream);
  const metrics = createMetrics();
  const tracing = await createTracing({ ...config.tracing, spanProcessors: overrides.spanProcessors });
  const { tracer } = tracing;
  // TRUSTED_DOCUMENTS: the app's persisted documents (codegen's manifest); a bad file stops the start before anything opens.
  const trustedDocuments = config.trustedDocuments
    ? loadTrustedDocuments(config.trustedDocuments.manifestPath, config.trustedDocuments.mode)
    : null;
  if (trustedDocuments) logger.info({ documents: trustedDocuments.size, mode: trustedDocuments.mode }, "trusted documents loaded");

  const developmentKey = config.piiKey ? null : developmentPiiKey(config.dataDir);
  if (developmentKey) logger.warn({ keySource: developmentKey.source }, "PII_KEY not set: using a development key");
  const vault = createPiiVault(config.piiKey ?? developmentKey!.key, config.piiPreviousKeys);

  // Dev mode: a signing secret kept in DATA_DIR (so `npm run token` tokens survive restarts) and a service token (printed by main).
  const devSigningKey = !config.auth.jwtSecret && config.auth.devMode ? developmentSigningSecret(config.dataDir) : null;
  const jwtSecret = config.auth.jwtSecret ?? devSigningKey?.secret;
  const verifyToken = createTokenVerifier({
    ...config.auth,
    secret: jwtSecret,
    clockToleranceSeconds: TOKEN_CLOCK_TOLERANCE_SECONDS,
    clock,
  });
  const devServiceToken = config.auth.devMode
    ? await signToken(
        { secret: jwtSecret!, issuer: config.auth.issuer, audience: config.auth.audience },
        { sub: "dev-service", scope: config.auth.serviceScope },
        DEV_SERVICE_TOKEN_TTL_SECONDS,
        clock(),
      )
    : null;
  if (devServiceToken)
    logger.warn(
      { keySource: devSigningKey?.source },
      "AUTH_DEV_MODE: no AUTH_JWT_SECRET/AUTH_JWKS_URL configured; tokens are signed with a development key (npm run token prints one; a service token is in the start-up banner)",
    );

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: config.database.poolMax,
    bounds: config.database,
  });
  const rateLimits = createRateLimits(config.limits, database.kind === "postgres" ? database.db : null);
  traceTransactions(database.db, tracer, database.kind === "postgres" ? "postgresql" : "pglite");
  const httpServer: Server = createHttpServer(config.http);
  const localBase = () => loopbackUrl(httpServer, config.port);

  const embedded = config.bond.embeddedSandbox;
  const webhookSecret = config.bond.webhookSecrets[0] ?? randomBytes(DEV_WEBHOOK_SECRET_BYTES).toString("hex");
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
  // Postgres: the outbox relayed with pg_notify/LISTEN, or through Redis (EVENT_BUS_URL); PGlite: in-process.
  const bus = await createKycStatusBus({
    config,
    databaseKind: database.kind,
    loadCurrent: async (ids) => (await repository.customers.findKycStatuses(ids)).map(currentKycStatus),
    logger,
  });
  const receipts = new WebhookReceiptRepository(database.db);
  const purgeJobs = startPurgeJobs({
    receipts,
    repository,
    clock,
    logger,
    webhookToleranceSeconds: config.bond.webhookToleranceSeconds,
    idempotencyPurgeIntervalMs: config.idempotencyPurgeIntervalMs,
  });
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
  const contextServices = { kyc, rateLimits };
  // One logger for every WebSocket operation: thousands of subscriptions stay open (see BENCHMARKS.md).
  const websocketLogger = logger.child({ transport: "ws" });
  const websocket = startGraphQLWebSocketServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    verifyToken,
    context: (viewer: Viewer) => graphqlContext(contextServices, viewer, websocketLogger),
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

  const apollo = createApolloServer({
    schema,
    httpServer,
    graphql: queryLimits,
    formatError: formatGraphQLError,
    logger,
    metrics,
    devServiceToken,
  });
  await apollo.start();

  const app = createHttpApp({
    logger,
    metrics,
    tracer,
    db: database.db,
    rateLimits,
    trustProxy: config.limits.trustProxy,
    metricsToken: config.metrics.token,
    graphiql: config.graphql.graphiql,
    bondSandbox,
    webhook: {
      kyc,
      logger: logger.child({ component: "webhook" }),
      secrets: config.bond.webhookSecrets.length > 0 ? config.bond.webhookSecrets : [webhookSecret],
      toleranceSeconds: config.bond.webhookToleranceSeconds,
      signedContent: config.bond.webhookSignedContent,
      allowedIps: config.bond.webhookAllowedIps,
      rateLimits,
      clock,
      metrics,
    },
    graphql: {
      apollo,
      services: contextServices,
      verifyToken,
      queryLimits,
      trustedDocuments,
      corsOrigins: config.corsOrigins,
      documentMaxBytes: config.kycDocuments.maxBytes,
      tracer,
      logger,
    },
  });
  httpServer.on("request", app);
  const url = await listen(httpServer, config.port, config.host);

  // Bond delivers only to subscribed URLs (with the embedded sandbox too, exactly as with Bond). Without
  // PUBLIC_URL a real Bond cannot reach us: nothing to register.
  const subscribedWebhookUrl = config.publicUrl
    ? `${config.publicUrl}${BOND_WEBHOOK_PATH}`
    : embedded
      ? `${localBase()}${BOND_WEBHOOK_PATH}`
      : null;
  const webhookSubscription = subscribedWebhookUrl
    ? await keepWebhookSubscribed({
        webhookUrl: subscribedWebhookUrl,
        bond: {
          apiUrl: bondApiUrl,
          identity: config.bond.identity,
          authorization: config.bond.authorization,
          timeoutMs: config.bond.timeoutMs,
        },
        configuredSecrets: config.bond.webhookSecrets,
        embedded,
        logger: logger.child({ component: "bond-webhooks" }),
      })
    : null;

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
        purgeJobs.stop();
        webhookSubscription?.stop();
        await reconciler.close();
        await bondSandbox?.close();
        // WebSockets first, so each client gets 1001 (going away) rather than a socket the HTTP drain cut.
        await websocket.dispose();
        await apollo.stop(); // stops accepting, then drains HTTP (see http/apollo.ts)
        await bus.close();
        await database.close();
        await tracing.close();
      })();
      return closing;
    },
  };
}
