import { crossVariableProblems, environmentSchema } from "./config/environment.js";
import type { AppConfig } from "./config/app-config.js";

/**
 * Everything the server reads from its environment, parsed once. `createApp` takes the parsed
 * `AppConfig`; tests build one with `loadConfig({...})` and their own overrides. The sections:
 * config/environment.ts (the variables and their rules), config/app-config.ts (the parsed shape),
 * config/constants.ts (fixed values that are not variables, each with its reason).
 */
export type { AppConfig } from "./config/app-config.js";
export { CONFIG_VARIABLES, isIpOrCidr, isOrigin, type Environment } from "./config/environment.js";
export * from "./config/constants.js";

/** Origins a development server allows by default: Vite's dev server (examples/web) on either loopback name. */
export const DEVELOPMENT_CORS_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses environment variables (by default `process.env`) into an `AppConfig`, or throws `ConfigError` naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`);
  problems.push(...crossVariableProblems(source));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    database: {
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      poolMax: env.DATABASE_POOL_MAX,
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
      reconnectMaxDelayMs: env.DATABASE_RECONNECT_MAX_DELAY_MS,
      listenRetryDelayMs: env.LISTEN_RETRY_DELAY_MS,
      listenRetryMaxDelayMs: Math.max(env.LISTEN_RETRY_MAX_DELAY_MS, env.LISTEN_RETRY_DELAY_MS),
    },
    eventBus: { redisUrl: env.EVENT_BUS_URL, outboxPollIntervalMs: env.EVENT_BUS_OUTBOX_POLL_MS },
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    bond: {
      apiUrl: env.BOND_API_URL?.replace(/\/+$/, ""),
      embeddedSandbox: !env.BOND_API_URL,
      identity: env.BOND_IDENTITY ?? "sandbox-identity",
      authorization: env.BOND_AUTHORIZATION ?? "sandbox-authorization",
      timeoutMs: env.BOND_TIMEOUT_MS,
      retry: {
        budgetMs: env.BOND_RETRY_BUDGET_MS,
        baseDelayMs: env.BOND_RETRY_BASE_DELAY_MS,
        maxDelayMs: env.BOND_RETRY_MAX_DELAY_MS,
        maxAttempts: env.BOND_RETRY_MAX_ATTEMPTS,
      },
      webhookSecrets: (env.BOND_WEBHOOK_SECRET ?? "")
        .split(",")
        .map((secret) => secret.trim())
        .filter(Boolean),
      webhookToleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
      webhookSignedContent: env.WEBHOOK_SIGNED_CONTENT,
      webhookAllowedIps: env.WEBHOOK_ALLOWED_IPS ?? [],
    },
    auth: {
      jwtSecret: env.AUTH_JWT_SECRET,
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      serviceScope: env.AUTH_SERVICE_SCOPE,
      devMode: !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL && env.AUTH_DEV_MODE === true,
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== "production",
      graphiql: env.GRAPHIQL ?? env.NODE_ENV !== "production",
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxComplexity: env.GRAPHQL_MAX_COMPLEXITY,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
    },
    limits: {
      submitKycPerMinute: env.SUBMIT_KYC_RATE_LIMIT_PER_MINUTE,
      ipPerMinute: env.IP_RATE_LIMIT_PER_MINUTE,
      trustProxy: env.TRUST_PROXY,
      wsConnectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
      wsMaxSubscriptionsPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    },
    sandbox: { webhookDelayMs: env.SANDBOX_WEBHOOK_DELAY_MS, clockOffsetMs: env.SANDBOX_CLOCK_OFFSET_MS },
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ""),
    reconcile: {
      intervalMs: env.RECONCILE_INTERVAL_MS,
      pendingAfterMs: env.RECONCILE_PENDING_AFTER_MS,
      submittedAfterMs: env.RECONCILE_SUBMITTED_AFTER_MS,
      backoff: { baseMs: env.RECONCILE_BACKOFF_BASE_MS, maxMs: Math.max(env.RECONCILE_BACKOFF_MAX_MS, env.RECONCILE_BACKOFF_BASE_MS) },
    },
    idempotencyPurgeIntervalMs: env.IDEMPOTENCY_PURGE_INTERVAL_MS,
    faults: { crashAfterBondAccept: env.KYC_FAULT_CRASH_AFTER_BOND_ACCEPT === true },
    kycDocuments: { maxBytes: env.KYC_DOCUMENT_MAX_BYTES },
    piiKey: env.PII_KEY ? Buffer.from(env.PII_KEY, "base64") : undefined,
    piiPreviousKeys: (env.PII_PREVIOUS_KEYS ?? []).map((key) => Buffer.from(key, "base64")),
    corsOrigins: env.CORS_ORIGINS ?? (env.NODE_ENV === "development" ? DEVELOPMENT_CORS_ORIGINS : []),
    trustedDocuments: env.TRUSTED_DOCUMENTS
      ? {
          manifestPath: env.TRUSTED_DOCUMENTS,
          mode: env.TRUSTED_DOCUMENTS_MODE ?? (env.NODE_ENV === "production" ? "enforce" : "allow-unknown"),
        }
      : null,
    logLevel: env.LOG_LEVEL,
    metrics: { token: env.METRICS_TOKEN },
    tracing: { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
  };
}

/** What the `npm run bond:webhooks` script needs: the same variables, parsed the same way, nothing else required. */
export interface BondAccessConfig {
  apiUrl: string;
  identity: string;
  authorization: string;
  timeoutMs: number;
  publicUrl?: string;
}

export function loadBondAccessConfig(source: Record<string, string | undefined> = process.env): BondAccessConfig {
  const parsed = environmentSchema
    .pick({ BOND_API_URL: true, BOND_IDENTITY: true, BOND_AUTHORIZATION: true, BOND_TIMEOUT_MS: true, PUBLIC_URL: true })
    .safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`);
  if (parsed.success && !parsed.data.BOND_API_URL) {
    problems.push("BOND_API_URL is required (Bond's, or a running server's embedded sandbox: http://127.0.0.1:4000/bond/api/v0.1)");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  return {
    apiUrl: env.BOND_API_URL!.replace(/\/+$/, ""),
    identity: env.BOND_IDENTITY ?? "sandbox-identity",
    authorization: env.BOND_AUTHORIZATION ?? "sandbox-authorization",
    timeoutMs: env.BOND_TIMEOUT_MS,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ""),
  };
}
