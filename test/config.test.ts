import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../src/config.js";
import { loadEnvFile } from "../src/env-file.js";

describe("loadConfig", () => {
  it("needs nothing but dev mode to start: port 4000, embedded database and Bond sandbox, a generated token secret", () => {
    const config = loadConfig({ AUTH_DEV_MODE: "true" });
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      dataDir: ".data",
      bond: { apiUrl: undefined },
      auth: { devMode: true, jwtSecret: undefined },
    });
    expect(config.graphql).toMatchObject({ introspection: true, graphiql: true });
  });

  it("refuses to start without authentication unless dev mode is explicit", () => {
    expect(() => loadConfig({})).toThrow(/AUTH_JWT_SECRET or AUTH_JWKS_URL is required/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "false" })).toThrow(/AUTH_DEV_MODE=true/);
  });

  it("does not let dev mode stand in for authentication in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", PII_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_DEV_MODE: "true" })).toThrow(
      /AUTH_DEV_MODE cannot stand in/,
    );
  });

  it("turns introspection and GraphiQL off in production unless enabled", () => {
    const production = {
      NODE_ENV: "production",
      PII_KEY: Buffer.alloc(32, 1).toString("base64"),
      AUTH_JWT_SECRET: "x".repeat(32),
      BOND_SANDBOX: "embedded",
    };
    expect(loadConfig(production).graphql).toMatchObject({ introspection: false, graphiql: false });
    expect(loadConfig({ ...production, GRAPHQL_INTROSPECTION: "true", GRAPHIQL: "1" }).graphql).toMatchObject({
      introspection: true,
      graphiql: true,
    });
  });

  it("reads the reliability settings, and refuses the test-only crash fault in production", () => {
    const config = loadConfig({
      AUTH_DEV_MODE: "true",
      BOND_RETRY_BUDGET_MS: "9000",
      RECONCILE_INTERVAL_MS: "0",
      KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "1",
    });
    expect(config.bond.retry).toEqual({ budgetMs: 9000, baseDelayMs: 200, maxDelayMs: 5000, maxAttempts: 6 });
    expect(config.reconcile).toEqual({
      intervalMs: 0,
      pendingAfterMs: 120_000,
      submittedAfterMs: 900_000,
      backoff: { baseMs: 60_000, maxMs: 3_600_000 },
    });
    expect(config.faults.crashAfterBondAccept).toBe(true);
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).faults.crashAfterBondAccept).toBe(false);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", BOND_RETRY_MAX_ATTEMPTS: "0" })).toThrow(/BOND_RETRY_MAX_ATTEMPTS/);
    const production = {
      NODE_ENV: "production",
      PII_KEY: Buffer.alloc(32, 1).toString("base64"),
      AUTH_JWT_SECRET: "x".repeat(32),
      BOND_SANDBOX: "embedded",
    };
    expect(() => loadConfig({ ...production, KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "true" })).toThrow(
      /KYC_FAULT_CRASH_AFTER_BOND_ACCEPT is a test-only fault/,
    );
  });

  it("names bad auth and limit settings", () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET must be at least 32 characters/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: "x".repeat(32), AUTH_JWKS_URL: "https://id.example/jwks.json" })).toThrow(/exclusive/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "yes" })).toThrow(/AUTH_DEV_MODE/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", WEBHOOK_ALLOWED_IPS: "10.0.0.0/8, not-an-ip" })).toThrow(/WEBHOOK_ALLOWED_IPS/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", WEBHOOK_SIGNED_CONTENT: "{t}" })).toThrow(
      /WEBHOOK_SIGNED_CONTENT must contain \{body\}/,
    );
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/SUBMIT_KYC_RATE_LIMIT_PER_MINUTE/);
  });

  it("names each bad variable", () => {
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", PII_KEY: "short", BOND_API_URL: "https://sandbox.bond.tech/api/v0.1/" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ["PORT", "DATABASE_URL", "PII_KEY", "BOND_IDENTITY", "BOND_AUTHORIZATION", "BOND_WEBHOOK_SECRET"])
        expect(message).toContain(name);
    }
  });

  it("refuses to run production on the embedded Bond sandbox unless BOND_SANDBOX=embedded says so", () => {
    const production = { NODE_ENV: "production", PII_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_JWT_SECRET: "x".repeat(32) };
    expect(() => loadConfig(production)).toThrow(/BOND_API_URL is required in production.*embedded Bond sandbox.*BOND_SANDBOX=embedded/);
    expect(loadConfig({ ...production, BOND_SANDBOX: "embedded" }).bond).toMatchObject({ apiUrl: undefined, embeddedSandbox: true });
    const real = { BOND_API_URL: "https://api.bond.tech/api/v0.1", BOND_IDENTITY: "i", BOND_AUTHORIZATION: "a", BOND_WEBHOOK_SECRET: "s" };
    expect(loadConfig({ ...production, ...real }).bond).toMatchObject({ apiUrl: "https://api.bond.tech/api/v0.1", embeddedSandbox: false });
    expect(() => loadConfig({ ...production, ...real, BOND_SANDBOX: "embedded" })).toThrow(
      /BOND_SANDBOX=embedded and BOND_API_URL are exclusive/,
    );
    // Development (npm start) and tests keep the embedded sandbox by default.
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).bond.embeddedSandbox).toBe(true);
    expect(loadConfig({ NODE_ENV: "test", AUTH_DEV_MODE: "true" }).bond.embeddedSandbox).toBe(true);
  });

  it("reads PUBLIC_URL without a trailing slash", () => {
    expect(loadConfig({ AUTH_DEV_MODE: "true", PUBLIC_URL: "https://kyc.example.com/" }).publicUrl).toBe("https://kyc.example.com");
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).publicUrl).toBeUndefined();
  });

  it("requires PII_KEY in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(32) })).toThrow(/PII_KEY/);
  });

  it("reads a real Bond configuration", () => {
    const config = loadConfig({
      BOND_API_URL: "https://sandbox.bond.tech/api/v0.1/",
      BOND_IDENTITY: "i",
      BOND_AUTHORIZATION: "a",
      BOND_WEBHOOK_SECRET: "s, old",
      PORT: "8080",
      AUTH_DEV_MODE: "true",
    });
    expect(config.bond).toMatchObject({
      apiUrl: "https://sandbox.bond.tech/api/v0.1",
      identity: "i",
      authorization: "a",
      webhookSecrets: ["s", "old"],
    });
    expect(config.port).toBe(8080);
  });
});

describe("the configuration is documented", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));

  it("lists every variable in the README configuration table", () => {
    const rows = table.split("\n").filter((line) => line.startsWith("| `"));
    const documented = new Set(rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1])));
    const missing = [...CONFIG_VARIABLES, "ENV_FILE"].filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(20);
  });

  it("has a .env.example whose variables are all real settings, and which starts as it is", () => {
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const mentioned = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(mentioned.length).toBeGreaterThan(10);
    expect(mentioned.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
    const uncommented = parseEnv(example);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", ...uncommented })).not.toThrow();
  });
});

describe("a bad value stops the start with a message naming the variable", () => {
  const bad: Record<string, string> = {
    NODE_ENV: "staging",
    PORT: "70000",
    DATABASE_URL: "mysql://db",
    DATABASE_CONNECT_TIMEOUT_MS: "50",
    RECONCILE_BACKOFF_BASE_MS: "0",
    RECONCILE_BACKOFF_MAX_MS: "soon",
    DATABASE_QUERY_TIMEOUT_MS: "soon",
    DATABASE_POOL_MAX: "0",
    DATABASE_RECONNECT_MAX_DELAY_MS: "-1",
    LISTEN_RETRY_DELAY_MS: "5",
    LISTEN_RETRY_MAX_DELAY_MS: "x",
    EVENT_BUS_URL: "http://cache:6379",
    EVENT_BUS_OUTBOX_POLL_MS: "10",
    HTTP_HEADERS_TIMEOUT_MS: "0",
    HTTP_REQUEST_TIMEOUT_MS: "1.5",
    HTTP_KEEP_ALIVE_TIMEOUT_MS: "never",
    BOND_API_URL: "ftp://bond",
    BOND_SANDBOX: "yes",
    PUBLIC_URL: "kyc.example.com",
    BOND_TIMEOUT_MS: "soon",
    BOND_RETRY_BUDGET_MS: "-1",
    BOND_RETRY_BASE_DELAY_MS: "fast",
    BOND_RETRY_MAX_DELAY_MS: "-1",
    BOND_RETRY_MAX_ATTEMPTS: "0",
    RECONCILE_INTERVAL_MS: "often",
    IDEMPOTENCY_PURGE_INTERVAL_MS: "hourly",
    KYC_DOCUMENT_MAX_BYTES: "lots",
    RECONCILE_PENDING_AFTER_MS: "-1",
    RECONCILE_SUBMITTED_AFTER_MS: "1.5",
    KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "yes",
    WEBHOOK_TOLERANCE_SECONDS: "0",
    SANDBOX_WEBHOOK_DELAY_MS: "-5",
    SANDBOX_CLOCK_OFFSET_MS: "an hour",
    PII_KEY: "c2hvcnQ=",
    PII_PREVIOUS_KEYS: "c2hvcnQ=",
    AUTH_JWT_SECRET: "too-short",
    AUTH_JWKS_URL: "not a url",
    AUTH_SERVICE_SCOPE: "two words",
    AUTH_DEV_MODE: "maybe",
    GRAPHQL_INTROSPECTION: "perhaps",
    GRAPHIQL: "on",
    GRAPHQL_MAX_DEPTH: "0",
    GRAPHQL_MAX_ALIASES: "-1",
    GRAPHQL_MAX_COMPLEXITY: "many",
    GRAPHQL_MAX_TOKENS: "10",
    SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "1.5",
    IP_RATE_LIMIT_PER_MINUTE: "lots",
    WEBHOOK_ALLOWED_IPS: "10.0.0.0/8,example.com",
    WEBHOOK_SIGNED_CONTENT: "{t}",
    WS_CONNECTION_INIT_TIMEOUT_MS: "10",
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "0",
    LOG_LEVEL: "loud",
    CORS_ORIGINS: "*",
    TRUSTED_DOCUMENTS_MODE: "strict",
    METRICS_TOKEN: "short",
    OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318",
  };
  /** Free text (any value is acceptable): host names, identifiers, secrets, paths, proxy settings. */
  const freeText = [
    "HOST",
    "DATA_DIR",
    "BOND_IDENTITY",
    "BOND_AUTHORIZATION",
    "BOND_WEBHOOK_SECRET",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "TRUST_PROXY",
    "TRUSTED_DOCUMENTS",
    "OTEL_SERVICE_NAME",
  ];

  it("covers every variable (validated ones here, free-text ones listed)", () => {
    expect(CONFIG_VARIABLES.filter((name) => !(name in bad) && !freeText.includes(name))).toEqual([]);
  });

  it.each(Object.entries(bad))("%s=%s", (name, value) => {
    try {
      loadConfig({ AUTH_DEV_MODE: "true", [name]: value });
      expect.unreachable(`${name}=${value} was accepted`);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(
        problems.some((problem) => problem.startsWith(name)),
        problems.join("; "),
      ).toBe(true);
    }
  });
});

describe("the status bus transport (EVENT_BUS_URL)", () => {
  it("is Postgres by default, Redis when EVENT_BUS_URL is a redis:// URL, and Redis needs DATABASE_URL", () => {
    expect(loadConfig({ AUTH_DEV_MODE: "true", DATABASE_URL: "postgres://db/kyc" }).eventBus).toEqual({
      redisUrl: undefined,
      outboxPollIntervalMs: 2_000,
    });
    expect(
      loadConfig({
        AUTH_DEV_MODE: "true",
        DATABASE_URL: "postgres://db/kyc",
        EVENT_BUS_URL: "redis://cache:6379",
        EVENT_BUS_OUTBOX_POLL_MS: "500",
      }).eventBus,
    ).toEqual({
      redisUrl: "redis://cache:6379",
      outboxPollIntervalMs: 500,
    });
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", EVENT_BUS_URL: "redis://cache:6379" })).toThrow(/EVENT_BUS_URL needs DATABASE_URL/);
  });
});

describe("loadEnvFile (.env)", () => {
  const directory = mkdtempSync(join(tmpdir(), "kyc-env-"));
  const file = join(directory, ".env");
  writeFileSync(file, 'PORT=5001\nLOG_LEVEL="debug"\n# a comment\nBOND_TIMEOUT_MS=2500\n');

  it("fills in variables the environment does not set, and never overrides those it does", () => {
    const environment: Record<string, string | undefined> = { PORT: "6000" };
    const result = loadEnvFile(file, environment);
    expect(result.loaded).toBe(true);
    expect(result.applied.sort()).toEqual(["BOND_TIMEOUT_MS", "LOG_LEVEL"]);
    expect(environment).toEqual({ PORT: "6000", LOG_LEVEL: "debug", BOND_TIMEOUT_MS: "2500" });
    expect(loadConfig({ AUTH_DEV_MODE: "true", ...environment })).toMatchObject({
      port: 6000,
      logLevel: "debug",
      bond: { timeoutMs: 2500 },
    });
  });

  it("is optional", () => {
    const environment = {};
    expect(loadEnvFile(join(directory, "missing.env"), environment)).toEqual({ loaded: false, applied: [] });
    expect(environment).toEqual({});
  });
});
