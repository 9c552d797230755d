import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("needs nothing to start: port 4000, embedded database and Bond sandbox", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, dataDir: ".data", bond: { apiUrl: undefined } });
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
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/PII_KEY/);
  });

  it("reads a real Bond configuration", () => {
    const config = loadConfig({ BOND_API_URL: "https://sandbox.bond.tech/api/v0.1/", BOND_IDENTITY: "i", BOND_AUTHORIZATION: "a", BOND_WEBHOOK_SECRET: "s", PORT: "8080" });
    expect(config.bond).toMatchObject({ apiUrl: "https://sandbox.bond.tech/api/v0.1", identity: "i", authorization: "a", webhookSecret: "s" });
    expect(config.port).toBe(8080);
  });
});
