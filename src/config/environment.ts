import ipaddr from "ipaddr.js";
import { z } from "zod";

/** The environment variables the server reads: each one's parsing and default, and the rules across them. */

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
const flag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(["true", "false", "1", "0"])
    .transform((value) => value === "true" || value === "1")
    .optional(),
);
const list = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .optional(),
);
const base64Keys = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.every((key) => Buffer.from(key, "base64").length === 32), "must be comma-separated 32-byte base64 keys")
    .optional(),
);

export const environmentSchema = z.object({
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
  DATABASE_POOL_MAX: count(10, 1),
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
  AUTH_JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, "must be at least 32 characters (openssl rand -base64 48)").optional(),
  ),
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
  WEBHOOK_ALLOWED_IPS: list.refine(
    (items) => !items || items.every((item) => isIpOrCidr(item)),
    "must be comma-separated IP addresses or CIDR ranges",
  ),
  WEBHOOK_SIGNED_CONTENT: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((value) => value.includes("{body}"), "must contain {body} (and usually {t}), e.g. {t}.{body}")
      .default("{t}.{body}"),
  ),
  KYC_DOCUMENT_MAX_BYTES: count(4 * 1024 * 1024, 1).refine((value) => value <= 20 * 1024 * 1024, "must be at most 20971520 (20 MiB)"),
  WS_CONNECTION_INIT_TIMEOUT_MS: count(3000, 100),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: count(10, 1),
  CORS_ORIGINS: list.refine(
    (items) => !items || items.every((item) => isOrigin(item)),
    "must be comma-separated origins such as https://app.example.com or http://localhost:5173 (scheme, host and port only; no * and no path)",
  ),
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
export function crossVariableProblems(source: Record<string, string | undefined>): string[] {
  const set = (name: string) => (source[name] ?? "") !== "";
  const problems: string[] = [];
  if (set("EVENT_BUS_URL") && !set("DATABASE_URL"))
    problems.push("EVENT_BUS_URL needs DATABASE_URL: the embedded database serves one process, which needs no bus");
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
  if (source.NODE_ENV === "production" && (crashHook === "true" || crashHook === "1"))
    problems.push("KYC_FAULT_CRASH_AFTER_BOND_ACCEPT is a test-only fault and is refused in production");
  if (source.NODE_ENV === "production" && !set("PII_KEY")) problems.push("PII_KEY is required in production (openssl rand -base64 32)");
  const authConfigured = set("AUTH_JWT_SECRET") || set("AUTH_JWKS_URL");
  const devMode = source.AUTH_DEV_MODE === "true" || source.AUTH_DEV_MODE === "1";
  if (set("AUTH_JWT_SECRET") && set("AUTH_JWKS_URL")) problems.push("AUTH_JWT_SECRET and AUTH_JWKS_URL are exclusive: set one");
  if (!authConfigured && !devMode) {
    problems.push("AUTH_JWT_SECRET or AUTH_JWKS_URL is required (or AUTH_DEV_MODE=true for local development, which `npm start` sets)");
  }
  if (set("TRUSTED_DOCUMENTS_MODE") && !set("TRUSTED_DOCUMENTS"))
    problems.push("TRUSTED_DOCUMENTS_MODE is set but TRUSTED_DOCUMENTS (the path of the persisted-documents manifest) is not");
  if (!authConfigured && devMode && source.NODE_ENV === "production")
    problems.push("AUTH_DEV_MODE cannot stand in for AUTH_JWT_SECRET/AUTH_JWKS_URL in production");
  return problems;
}

export type Environment = z.infer<typeof environmentSchema>;

/** Every variable the configuration reads (a test checks each is in the README's configuration table). */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);
