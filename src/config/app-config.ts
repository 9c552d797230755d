import type { Environment } from "./environment.js";

/** The parsed configuration `createApp` takes (see loadConfig in ../config.ts for how each field is read). */
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
    /** Connections in this instance's pool (Postgres); the LISTEN and outbox-relay connections come on top. */
    poolMax: number;
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
