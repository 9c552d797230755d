import ipaddr from "ipaddr.js";
import { z } from "zod";

/** An IP address or a CIDR range (IPv4 or IPv6). */
export function isIpOrCidr(value: string): boolean {
  if (!value.includes("/")) return ipaddr.isValid(value);
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

/** A browser origin: `scheme://host[:port]` and nothing else (what a browser sends in `Origin`). */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

/** Origins a development server allows by default: Vite's dev server (examples/web) on either loopback name. */
export const DEVELOPMENT_CORS_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"];

/**
 * Everything the server reads from its environment, parsed once. `createApp` takes the parsed
 * `AppConfig`; tests build one with `loadConfig({...})` and their own overrides.
 */
const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const base64Key = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded (openssl rand -base64 32)")
    .optional(),
);
const port = z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(4000));
const positiveMs = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(fallback));
const count = (fallback: number, min = 0) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).default(fallback));
const flag = z.preprocess(emptyAsUndefined, z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1").optional());
const list = z.preprocess(emptyAsUndefined, z.string().transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean)).optional());
const base64Keys = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean))
    .refine((keys) => keys.every((key) => Buffer.from(key, "base64").length === 32), "must be comma-separated 32-byte base64 keys")
    .optional(),
);

const environmentSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "test", "production"]).default("development")),
    PORT: port,
    HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data")),
    DATABASE_CONNECT_TIMEOUT_MS: count(5_000, 100),
    DATABASE_QUERY_TIMEOUT_MS: count(5_000, 100),
    DATABASE_RECONNECT_MAX_DELAY_MS: count(2_000, 0),
    LISTEN_RETRY_DELAY_MS: count(100, 10),
    LISTEN_RETRY_MAX_DELAY_MS: count(2_000, 10),
    EVENT_BUS_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine((value) => /^rediss?:\/\//.test(value), "must be a redis:// or rediss:// URL (or unset: the bus runs over Postgres)")
        .optional(),
    ),
    EVENT_BUS_OUTBOX_POLL_MS: count(2_000, 50),
    HTTP_HEADERS_TIMEOUT_MS: count(10_000, 100),
    HTTP_REQUEST_TIMEOUT_MS: count(30_000, 100),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: count(5_000, 100),
    BOND_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    BOND_SANDBOX: z.preprocess(emptyAsUndefined, z.enum(["embedded"], "must be `embedded` (or unset)").optional()),
    PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    BOND_IDENTITY: optionalString,
    BOND_AUTHORIZATION: optionalString,
    BOND_TIMEOUT_MS: positiveMs(10_000),
    BOND_RETRY_BUDGET_MS: positiveMs(15_000),
    BOND_RETRY_BASE_DELAY_MS: positiveMs(200),
    BOND_RETRY_MAX_DELAY_MS: positiveMs(5_000),
    BOND_RETRY_MAX_ATTEMPTS: count(6, 1),
    RECONCILE_INTERVAL_MS: positiveMs(30_000),
    IDEMPOTENCY_PURGE_INTERVAL_MS: positiveMs(60 * 60_000),
    RECONCILE_PENDING_AFTER_MS: positiveMs(120_000),
    RECONCILE_SUBMITTED_AFTER_MS: positiveMs(15 * 60_000),
    RECONCILE_BACKOFF_BASE_MS: count(60_000, 1),
    RECONCILE_BACKOFF_MAX_MS: count(60 * 60_000, 1),
    KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: flag,
    BOND_WEBHOOK_SECRET: optionalString,
    WEBHOOK_TOLERANCE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(300)),
    SANDBOX_WEBHOOK_DELAY_MS: positiveMs(300),
    SANDBOX_CLOCK_OFFSET_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(-86_400_000).max(86_400_000).default(0)),
    PII_KEY: base64Key,
    PII_PREVIOUS_KEYS: base64Keys,
    AUTH_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters (openssl rand -base64 48)").optional()),
    AUTH_JWKS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    AUTH_ISSUER: z.preprocess(emptyAsUndefined, z.string().default("kyc-graphql")),
    AUTH_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().default("kyc-graphql")),
    AUTH_SERVICE_SCOPE: z.preprocess(emptyAsUndefined, z.string().regex(/^\S+$/, "must be one scope word").default("kyc:service")),
    AUTH_DEV_MODE: flag,
    GRAPHQL_INTROSPECTION: flag,
    GRAPHIQL: flag,
    GRAPHQL_MAX_DEPTH: count(10, 1),
    GRAPHQL_MAX_ALIASES: count(15, 0),
    GRAPHQL_MAX_COMPLEXITY: count(1000, 1),
    GRAPHQL_MAX_TOKENS: count(5000, 100),
    SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: count(10),
    IP_RATE_LIMIT_PER_MINUTE: count(600),
    TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().optional()),
    WEBHOOK_ALLOWED_IPS: list.refine((items) => !items || items.every((item) => isIpOrCidr(item)), "must be comma-separated IP addresses or CIDR ranges"),
    WEBHOOK_SIGNED_CONTENT: z.preprocess(
      emptyAsUndefined,
      z.string().refine((value) => value.includes("{body}"), "must contain {body} (and usually {t}), e.g. {t}.{body}").default("{t}.{body}"),
    ),
    KYC_DOCUMENT_MAX_BYTES: count(4 * 1024 * 1024, 1).refine((value) => value <= 20 * 1024 * 1024, "must be at most 20971520 (20 MiB)"),
    WS_CONNECTION_INIT_TIMEOUT_MS: count(3000, 100),
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: count(10, 1),
    CORS_ORIGINS: list.refine((items) => !items || items.every((item) => isOrigin(item)), "must be comma-separated origins such as https://app.example.com or http://localhost:5173 (scheme, host and port only; no * and no path)"),
    TRUSTED_DOCUMENTS: optionalString,
    TRUSTED_DOCUMENTS_MODE: z.preprocess(emptyAsUndefined, z.enum(["enforce", "allow-unknown"]).optional()),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    OTEL_SERVICE_NAME: z.preprocess(emptyAsUndefined, z.string().default("kyc-graphql")),
    METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters (openssl rand -hex 24)").optional()),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
  });

/**
 * Rules across variables. They read the raw strings so they are reported together with any
 * per-variable problem (zod skips object refinements once a field has failed).
 */
function crossVariableProblems(source: Record<string, string | undefined>): string[] {
  const set = (name: string) => (source[name] ?? "") !== "";
  const problems: string[] = [];
  if (set("EVENT_BUS_URL") && !set("DATABASE_URL")) problems.push("EVENT_BUS_URL needs DATABASE_URL: the embedded database serves one process, which needs no bus");
  if (set("BOND_API_URL") && set("BOND_SANDBOX")) problems.push("BOND_SANDBOX=embedded and BOND_API_URL are exclusive: set one");
  if (source.NODE_ENV === "production" && !set("BOND_API_URL") && !set("BOND_SANDBOX")) {
    problems.push(
      "BOND_API_URL is required in production (e.g. https://api.bond.tech/api/v0.1): without it this would run on the embedded Bond sandbox, which verifies nobody. Set BOND_SANDBOX=embedded to run the sandbox on purpose",
    );
  }
  if (set("BOND_API_URL")) {
    for (const name of ["BOND_IDENTITY", "BOND_AUTHORIZATION", "BOND_WEBHOOK_SECRET"]) {
      if (!set(name)) problems.push(`${name} is required when BOND_API_URL is set`);
    }
  }
  const crashHook = source.KYC_FAULT_CRASH_AFTER_BOND_ACCEPT;
  if (source.NODE_ENV === "production" && (crashHook === "true" || crashHook === "1")) problems.push("KYC_FAULT_CRASH_AFTER_BOND_ACCEPT is a test-only fault and is refused in production");
  if (source.NODE_ENV === "production" && !set("PII_KEY")) problems.push("PII_KEY is required in production (openssl rand -base64 32)");
  const authConfigured = set("AUTH_JWT_SECRET") || set("AUTH_JWKS_URL");
  const devMode = source.AUTH_DEV_MODE === "true" || source.AUTH_DEV_MODE === "1";
  if (set("AUTH_JWT_SECRET") && set("AUTH_JWKS_URL")) problems.push("AUTH_JWT_SECRET and AUTH_JWKS_URL are exclusive: set one");
  if (!authConfigured && !devMode) {
    problems.push("AUTH_JWT_SECRET or AUTH_JWKS_URL is required (or AUTH_DEV_MODE=true for local development, which `npm start` sets)");
  }
  if (set("TRUSTED_DOCUMENTS_MODE") && !set("TRUSTED_DOCUMENTS")) problems.push("TRUSTED_DOCUMENTS_MODE is set but TRUSTED_DOCUMENTS (the path of the persisted-documents manifest) is not");
  if (!authConfigured && devMode && source.NODE_ENV === "production") problems.push("AUTH_DEV_MODE cannot stand in for AUTH_JWT_SECRET/AUTH_JWKS_URL in production");
  return problems;
}

export type Environment = z.infer<typeof environmentSchema>;

/** Every variable the configuration reads (a test checks each is in the README's configuration table). */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);

export interface AppConfig {
  env: Environment["NODE_ENV"];
  port: number;
  host: string;
  /** Real Postgres through postgres.js; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files and where development keys are kept. `null` = in memory (tests). */
  dataDir: string | null;
  /** Bounds on waiting for Postgres, so a request during an outage answers SERVICE_UNAVAILABLE in time instead of hanging. */
  database: {
    /** Opening one connection (TCP and handshake). */
    connectTimeoutMs: number;
    /** One query, or a transaction's wait for a connection / its commit; past it the request fails SERVICE_UNAVAILABLE. */
    queryTimeoutMs: number;
    /** Cap on the driver's back-off between reconnect attempts. */
    reconnectMaxDelayMs: number;
    /** Re-establishing the LISTEN connection: first delay, doubled per failure up to the max. */
    listenRetryDelayMs: number;
    listenRetryMaxDelayMs: number;
  };
  /** Status changes across instances: the Postgres outbox, relayed with pg_notify (default) or to Redis. */
  eventBus: {
    /** redis:// URL: publish and subscribe through Redis; absent = LISTEN/NOTIFY on DATABASE_URL. */
    redisUrl?: string;
    /** How often each instance relays outbox rows another one left behind (and how old they must be). */
    outboxPollIntervalMs: number;
  };
  /** Node's HTTP server timeouts: slow or idle clients are cut off instead of holding sockets. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  bond: {
    /** Base URL up to and including `/api/v0.1`; absent = the embedded Bond sandbox. */
    apiUrl?: string;
    /**
     * The embedded sandbox runs only when no BOND_API_URL is set, and outside development and tests only
     * when BOND_SANDBOX=embedded says so (production refuses to start otherwise).
     */
    embeddedSandbox: boolean;
    identity: string;
    authorization: string;
    timeoutMs: number;
    /** Retries of KYC submissions (same Idempotency-Key) and reads when Bond times out, refuses, answers 5xx or 429. */
    retry: { budgetMs: number; baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
    /** Secrets Bond signs webhooks with (several during a rotation; the first is the current one); empty only with the embedded sandbox (a dev secret is made). */
    webhookSecrets: string[];
    webhookToleranceSeconds: number;
    /** Template of the signed string: `{t}` the header's timestamp, `{body}` the raw body. */
    webhookSignedContent: string;
    /** Source addresses (IPs or CIDRs) webhooks may come from; empty = any. */
    webhookAllowedIps: string[];
  };
  auth: {
    /** HS256 secret, or absent with a JWKS URL, or absent in dev mode (then one is generated). */
    jwtSecret?: string;
    jwksUrl?: string;
    issuer: string;
    audience: string;
    serviceScope: string;
    /** No auth configured and AUTH_DEV_MODE on: a random secret and a printed service token. */
    devMode: boolean;
  };
  graphql: { introspection: boolean; graphiql: boolean; maxDepth: number; maxAliases: number; maxComplexity: number; maxTokens: number };
  limits: {
    /** submitKyc calls per token per minute (0 = off). */
    submitKycPerMinute: number;
    /** Requests per source IP per minute on routes that take no token (0 = off). */
    ipPerMinute: number;
    /** Express `trust proxy` (which X-Forwarded-For hops to believe); absent = none. */
    trustProxy?: string;
    wsConnectionInitTimeoutMs: number;
    wsMaxSubscriptionsPerConnection: number;
  };
  sandbox: {
    webhookDelayMs: number;
    /** How far the embedded sandbox's clock is from ours (its event times, status reads, signatures), as Bond's would be. */
    clockOffsetMs: number;
  };
  /**
   * The address Bond reaches this service at (PUBLIC_URL, no trailing slash). When set, the service makes
   * sure on start that Bond has exactly one webhook subscription for `${publicUrl}/webhooks/bond`.
   */
  publicUrl?: string;
  /** Background repair: resend attempts left PENDING (a crash mid-send), ask Bond about customers whose webhooks never came. */
  reconcile: {
    /** How often it runs (it also runs once at start); 0 = only at start. */
    intervalMs: number;
    /** A PENDING attempt older than this is taken as abandoned and resent with its own key. */
    pendingAfterMs: number;
    /** A customer SUBMITTED for longer than this is looked up at Bond. */
    submittedAfterMs: number;
    /** Per customer Bond keeps reporting as submitted: the wait before asking again, doubling from base up to max. */
    backoff: { baseMs: number; maxMs: number };
  };
  /** How often idempotency keys past their 24 hours are deleted (0 = never). */
  idempotencyPurgeIntervalMs: number;
  /** Fault injection for tests only (refused in production). */
  faults: { crashAfterBondAccept: boolean };
  /** Supporting documents: the cap on one decoded file (the GraphQL body limit for uploads follows from it). */
  kycDocuments: { maxBytes: number };
  /** 32-byte key for encrypting personal data at rest and keying fingerprints; absent = dev key. */
  piiKey?: Buffer;
  /** Keys used before PII_KEY: data sealed with them can still be opened during a rotation. */
  piiPreviousKeys: Buffer[];
  /**
   * Browser origins allowed to call /graphql (CORS, with credentials). Default: none in production and
   * test, Vite's dev server in development. Never applies to the webhook route.
   */
  corsOrigins: string[];
  /**
   * Trusted documents: a persisted-documents manifest (hash → document, as codegen writes it) and whether
   * an operation not in it is refused (`enforce`, the default in production) or run (`allow-unknown`).
   * Absent = any document is accepted.
   */
  trustedDocuments: { manifestPath: string; mode: "enforce" | "allow-unknown" } | null;
  logLevel: Environment["LOG_LEVEL"];
  /** `GET /metrics` wants `Authorization: Bearer <token>` when set; open when absent. */
  metrics: { token?: string };
  /** OpenTelemetry: spans are exported over OTLP/HTTP when `otlpEndpoint` is set (the exporter reads the other OTEL_EXPORTER_OTLP_* itself). */
  tracing: { otlpEndpoint?: string; serviceName: string };
}

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
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
      reconnectMaxDelayMs: env.DATABASE_RECONNECT_MAX_DELAY_MS,
      listenRetryDelayMs: env.LISTEN_RETRY_DELAY_MS,
      listenRetryMaxDelayMs: Math.max(env.LISTEN_RETRY_MAX_DELAY_MS, env.LISTEN_RETRY_DELAY_MS),
    },
    eventBus: { redisUrl: env.EVENT_BUS_URL, outboxPollIntervalMs: env.EVENT_BUS_OUTBOX_POLL_MS },
    http: { headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    bond: {
      apiUrl: env.BOND_API_URL?.replace(/\/+$/, ""),
      embeddedSandbox: !env.BOND_API_URL,
      identity: env.BOND_IDENTITY ?? "sandbox-identity",
      authorization: env.BOND_AUTHORIZATION ?? "sandbox-authorization",
      timeoutMs: env.BOND_TIMEOUT_MS,
      retry: { budgetMs: env.BOND_RETRY_BUDGET_MS, baseDelayMs: env.BOND_RETRY_BASE_DELAY_MS, maxDelayMs: env.BOND_RETRY_MAX_DELAY_MS, maxAttempts: env.BOND_RETRY_MAX_ATTEMPTS },
      webhookSecrets: (env.BOND_WEBHOOK_SECRET ?? "").split(",").map((secret) => secret.trim()).filter(Boolean),
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
      ? { manifestPath: env.TRUSTED_DOCUMENTS, mode: env.TRUSTED_DOCUMENTS_MODE ?? (env.NODE_ENV === "production" ? "enforce" : "allow-unknown") }
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
  const parsed = environmentSchema.pick({ BOND_API_URL: true, BOND_IDENTITY: true, BOND_AUTHORIZATION: true, BOND_TIMEOUT_MS: true, PUBLIC_URL: true }).safeParse(source);
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
