import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const APP_ORIGIN = "https://app.example.com";
const OTHER_ORIGIN = "https://evil.example.net";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: `${APP_ORIGIN}, http://localhost:5173` });
});
afterAll(async () => {
  await app?.close();
});

const preflight = (url: string, origin: string, method = "POST", headers = "content-type, authorization") =>
  fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });

describe("CORS on /graphql", () => {
  it("answers an allowed origin's preflight with 204 and the headers a browser needs (credentials included)", async () => {
    const response = await preflight(app.graphqlUrl, APP_ORIGIN, "POST", "content-type, authorization, apollo-require-preflight");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toMatch(/POST/);
    const allowedHeaders = response.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
    for (const header of ["content-type", "authorization", "apollo-require-preflight"]) expect(allowedHeaders).toContain(header);
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("lets an allowed origin read the answer of a real request", async () => {
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { origin: APP_ORIGIN, "content-type": "application/json", ...(await app.asService()) },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-request-id");
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("gives any other origin no Access-Control header: its preflight is refused with a code, its answers stay unreadable", async () => {
    const refused = await preflight(app.graphqlUrl, OTHER_ORIGIN);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(await refused.json()).toMatchObject({ code: "CORS_ORIGIN_NOT_ALLOWED" });
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { origin: OTHER_ORIGIN, "content-type": "application/json", ...(await app.asService()) },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    // An origin that merely resembles an allowed one is another origin.
    const lookalike = await preflight(app.graphqlUrl, `${APP_ORIGIN}.evil.net`);
    expect(lookalike.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("never sends CORS headers on the webhook route, even to an allowed origin", async () => {
    const response = await preflight(app.webhookUrl, APP_ORIGIN);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.status).not.toBe(204);
    const posted = await fetch(app.webhookUrl, {
      method: "POST",
      headers: { origin: APP_ORIGIN, "content-type": "application/json" },
      body: "{}",
    });
    expect(posted.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS_ORIGINS defaults", () => {
  const production = {
    NODE_ENV: "production",
    BOND_API_URL: "https://sandbox.bond.tech/api/v0.1",
    BOND_IDENTITY: "id",
    BOND_AUTHORIZATION: "key",
    BOND_WEBHOOK_SECRET: "s".repeat(32),
    PII_KEY: Buffer.alloc(32, 1).toString("base64"),
    AUTH_JWT_SECRET: "x".repeat(32),
  };
  it("allows no origin in production and Vite's dev server in development", () => {
    expect(loadConfig(production).corsOrigins).toEqual([]);
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).corsOrigins).toEqual(["http://localhost:5173", "http://127.0.0.1:5173"]);
    expect(loadConfig({ ...production, CORS_ORIGINS: "https://a.example, https://b.example:8443" }).corsOrigins).toEqual([
      "https://a.example",
      "https://b.example:8443",
    ]);
  });
  it("refuses a wildcard or anything that is not an origin", () => {
    for (const bad of ["*", "https://a.example/", "https://a.example/app", "a.example", "ftp://a.example"]) {
      expect(() => loadConfig({ ...production, CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS must be comma-separated origins/);
    }
  });
});
