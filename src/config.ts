import { z } from "zod";

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
    BOND_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    BOND_IDENTITY: optionalString,
    BOND_AUTHORIZATION: optionalString,
    BOND_TIMEOUT_MS: positiveMs(10_000),
    BOND_WEBHOOK_SECRET: optionalString,
    WEBHOOK_TOLERANCE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(300)),
    SANDBOX_WEBHOOK_DELAY_MS: positiveMs(300),
    PII_KEY: base64Key,
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
  });

/**
 * Rules across variables. They read the raw strings so they are reported together with any
 * per-variable problem (zod skips object refinements once a field has failed).
 */
function crossVariableProblems(source: Record<string, string | undefined>): string[] {
  const set = (name: string) => (source[name] ?? "") !== "";
  const problems: string[] = [];
  if (set("BOND_API_URL")) {
    for (const name of ["BOND_IDENTITY", "BOND_AUTHORIZATION", "BOND_WEBHOOK_SECRET"]) {
      if (!set(name)) problems.push(`${name} is required when BOND_API_URL is set`);
    }
  }
  if (source.NODE_ENV === "production" && !set("PII_KEY")) problems.push("PII_KEY is required in production (openssl rand -base64 32)");
  return problems;
}

export type Environment = z.infer<typeof environmentSchema>;

export interface AppConfig {
  env: Environment["NODE_ENV"];
  port: number;
  host: string;
  /** Real Postgres through postgres.js; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files and where development keys are kept. `null` = in memory (tests). */
  dataDir: string | null;
  bond: {
    /** Base URL up to and including `/api/v0.1`; absent = the embedded Bond sandbox. */
    apiUrl?: string;
    identity: string;
    authorization: string;
    timeoutMs: number;
    /** Secret Bond signs webhooks with; absent only with the embedded sandbox (a dev secret is made). */
    webhookSecret?: string;
    webhookToleranceSeconds: number;
  };
  sandbox: { webhookDelayMs: number };
  /** 32-byte key for encrypting personal data at rest and keying fingerprints; absent = dev key. */
  piiKey?: Buffer;
  logLevel: Environment["LOG_LEVEL"];
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
    bond: {
      apiUrl: env.BOND_API_URL?.replace(/\/+$/, ""),
      identity: env.BOND_IDENTITY ?? "sandbox-identity",
      authorization: env.BOND_AUTHORIZATION ?? "sandbox-authorization",
      timeoutMs: env.BOND_TIMEOUT_MS,
      webhookSecret: env.BOND_WEBHOOK_SECRET,
      webhookToleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
    },
    sandbox: { webhookDelayMs: env.SANDBOX_WEBHOOK_DELAY_MS },
    piiKey: env.PII_KEY ? Buffer.from(env.PII_KEY, "base64") : undefined,
    logLevel: env.LOG_LEVEL,
  };
}
