import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("needs nothing but dev mode to start: port 4000, embedded database and Bond sandbox, a generated token secret", () => {
    const config = loadConfig({ AUTH_DEV_MODE: "true" });
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, dataDir: ".data", bond: { apiUrl: undefined }, auth: { devMode: true, jwtSecret: undefined } });
    expect(config.graphql).toMatchObject({ introspection: true, graphiql: true });
  });

  it("refuses to start without authentication unless dev mode is explicit", () => {
    expect(() => loadConfig({})).toThrow(/AUTH_JWT_SECRET or AUTH_JWKS_URL is required/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "false" })).toThrow(/AUTH_DEV_MODE=true/);
  });

  it("does not let dev mode stand in for authentication in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", PII_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_DEV_MODE: "true" })).toThrow(/AUTH_DEV_MODE cannot stand in/);
  });

  it("turns introspection and GraphiQL off in production unless enabled", () => {
    const production = { NODE_ENV: "production", PII_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_JWT_SECRET: "x".repeat(32) };
    expect(loadConfig(production).graphql).toMatchObject({ introspection: false, graphiql: false });
    expect(loadConfig({ ...production, GRAPHQL_INTROSPECTION: "true", GRAPHIQL: "1" }).graphql).toMatchObject({ introspection: true, graphiql: true });
  });

  it("reads the reliability settings, and refuses the test-only crash fault in production", () => {
    const config = loadConfig({ AUTH_DEV_MODE: "true", BOND_RETRY_BUDGET_MS: "9000", RECONCILE_INTERVAL_MS: "0", KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "1" });
    expect(config.bond.retry).toEqual({ budgetMs: 9000, baseDelayMs: 200, maxDelayMs: 5000, maxAttempts: 6 });
    expect(config.reconcile).toEqual({ intervalMs: 0, pendingAfterMs: 120_000, submittedAfterMs: 900_000 });
    expect(config.faults.crashAfterBondAccept).toBe(true);
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).faults.crashAfterBondAccept).toBe(false);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", BOND_RETRY_MAX_ATTEMPTS: "0" })).toThrow(/BOND_RETRY_MAX_ATTEMPTS/);
    const production = { NODE_ENV: "production", PII_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_JWT_SECRET: "x".repeat(32) };
    expect(() => loadConfig({ ...production, KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "true" })).toThrow(/KYC_FAULT_CRASH_AFTER_BOND_ACCEPT is a test-only fault/);
  });

  it("names bad auth and limit settings", () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET must be at least 32 characters/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: "x".repeat(32), AUTH_JWKS_URL: "https://id.example/jwks.json" })).toThrow(/exclusive/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "yes" })).toThrow(/AUTH_DEV_MODE/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", WEBHOOK_ALLOWED_IPS: "10.0.0.0/8, not-an-ip" })).toThrow(/WEBHOOK_ALLOWED_IPS/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", WEBHOOK_SIGNED_CONTENT: "{t}" })).toThrow(/WEBHOOK_SIGNED_CONTENT must contain \{body\}/);
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/SUBMIT_KYC_RATE_LIMIT_PER_MINUTE/);
  });

  it("names each bad variable", () => {
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", PII_KEY: "short", BOND_API_URL: "https://sandbox.bond.tech/api/v0.1/" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ["PORT", "DATABASE_URL", "PII_KEY", "BOND_IDENTITY", "BOND_AUTHORIZATION", "BOND_WEBHOOK_SECRET"]) expect(message).toContain(name);
    }
  });

  it("requires PII_KEY in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(32) })).toThrow(/PII_KEY/);
  });

  it("reads a real Bond configuration", () => {
    const config = loadConfig({ BOND_API_URL: "https://sandbox.bond.tech/api/v0.1/", BOND_IDENTITY: "i", BOND_AUTHORIZATION: "a", BOND_WEBHOOK_SECRET: "s, old", PORT: "8080", AUTH_DEV_MODE: "true" });
    expect(config.bond).toMatchObject({ apiUrl: "https://sandbox.bond.tech/api/v0.1", identity: "i", authorization: "a", webhookSecrets: ["s", "old"] });
    expect(config.port).toBe(8080);
  });
});
