import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { eq } from "drizzle-orm";
import { kycAttempts } from "../../src/db/schema.js";
import { KycStatusChangedDocument, SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput } from "../support/fixtures.js";

/** Sends one operation over a graphql-ws connection and resolves with the first result or the errors. */
function overWebSocket(app: TestApp, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const client = app.websocketClient({ lazy: false });
  return new Promise((resolve) => {
    client.subscribe({ query, variables }, { next: resolve, error: (errors) => resolve({ errors }), complete: () => undefined });
  });
}

describe("document limits", () => {
  let app: TestApp;
  let customerId: string;
  beforeAll(async () => {
    app = await startTestApp({ GRAPHQL_MAX_DEPTH: "2", GRAPHQL_MAX_ALIASES: "3", GRAPHQL_MAX_COMPLEXITY: "20" });
    // No customer is needed: the limits are checked on the document, before anything is looked up.
    customerId = randomUUID();
  });
  afterAll(async () => {
    await app?.close();
  });

  const deep = (id: string) => `{ customer(id: "${id}") { kycAttempts { id } } }`;
  const aliased = (id: string) => `{ ${[1, 2, 3, 4].map((n) => `c${n}: customer(id: "${id}") { id }`).join(" ")} }`;
  const costly = (id: string, copies: number) =>
    `{ ${Array.from({ length: copies }, (_, n) => `c${n}: customer(id: "${id}") { id firstName lastName dob email phone kycStatus }`).join(" ")} }`;

  it("refuses a query nested deeper than GRAPHQL_MAX_DEPTH, over HTTP and WebSocket", async () => {
    const http = await app.postGraphQL(JSON.stringify({ query: deep(customerId) }));
    expect(http.status).toBe(400);
    expect(http.json.errors[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(http.json.errors[0].message).toMatch(/depth/i);
    const ws = await overWebSocket(app, deep(customerId));
    expect(ws.errors[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  });

  it("refuses more aliases than GRAPHQL_MAX_ALIASES", async () => {
    const http = await app.postGraphQL(JSON.stringify({ query: aliased(customerId) }));
    expect(http.status).toBe(400);
    expect(http.json.errors[0].message).toMatch(/alias/i);
    const fine = await app.postGraphQL(
      JSON.stringify({ query: `{ a: customer(id: "${customerId}") { id } b: customer(id: "${customerId}") { id } }` }),
    );
    expect(fine.json).toEqual({ data: { a: null, b: null } });
  });

  it("refuses an operation whose cost is over GRAPHQL_MAX_COMPLEXITY before running it, and runs a cheaper one", async () => {
    const http = await app.postGraphQL(JSON.stringify({ query: costly(customerId, 3) }));
    expect(http.status).toBe(400);
    expect(http.json.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", maxComplexity: 20 });
    expect(http.json.data).toBeUndefined();
    const ws = await overWebSocket(app, costly(customerId, 3));
    expect(ws.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX" });
    const cheaper = await app.postGraphQL(JSON.stringify({ query: costly(customerId, 2) }));
    expect(cheaper.json.errors).toBeUndefined();
    expect(cheaper.json.data).toEqual({ c0: null, c1: null });
  });
});

describe("HTTP request rules", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("keeps Apollo's CSRF prevention on: a simple (non-preflighted) request is refused", async () => {
    // What a page on another origin can send without a preflight: no Authorization header (cookies would ride along).
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
    const get = await fetch(`${app.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
  });

  it("refuses batched operations", async () => {
    const response = await app.postGraphQL(JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]));
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/batch/i);
  });

  it("caps the GraphQL body at 256 KB (413 PAYLOAD_TOO_LARGE) and the webhook body at 64 KB", async () => {
    const big = await app.postGraphQL(JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(300 * 1024) } }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const webhook = await app.postWebhook(undefined, { raw: JSON.stringify({ padding: "x".repeat(70 * 1024) }) });
    expect(webhook.status).toBe(413);
  });

  it("answers malformed JSON with 400 and a code", async () => {
    const response = await app.postGraphQL("{ not json");
    expect(response.status).toBe(400);
  });
});

describe("production mode", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: "production", BOND_SANDBOX: "embedded", PII_KEY: Buffer.alloc(32, 7).toString("base64") });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("turns introspection off (HTTP and WebSocket) and does not serve GraphiQL", async () => {
    const http = await app.postGraphQL(JSON.stringify({ query: "{ __schema { queryType { name } } }" }));
    expect(http.json.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(http.json.errors[0].message).toMatch(/introspection/i);
    const ws = await overWebSocket(app, "{ __schema { queryType { name } } }");
    expect(ws.errors[0].message).toMatch(/introspection/i);
    const page = await fetch(app.graphqlUrl, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const asset = await fetch(`${app.url}/graphiql-assets/graphiql.min.js`);
    expect(asset.status).toBe(404);
  });
});

describe("rate limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "2", IP_RATE_LIMIT_PER_MINUTE: "3" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("limits submitKyc per token: the third call in a minute gets 429 RATE_LIMITED and stores nothing; other tokens are not affected", async () => {
    const customerId = await createCustomer(app);
    const other = await createCustomer(app);
    const headers = await app.asCustomer(customerId);
    // Input errors still count: the budget is about calls, not successes.
    for (let i = 0; i < 2; i++) {
      const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { email: "not-an-email" }) }, headers);
      expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    }
    const limited = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) }, headers);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.errors?.[0].extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect(await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId))).toHaveLength(0);
    const otherResult = await app.graphql(SubmitKycDocument, { input: kycInput(other) }, await app.asCustomer(other));
    expect(otherResult.errors).toBeUndefined();
  });

  it("limits requests without valid credentials per source address, without slowing authenticated callers", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.postGraphQL(JSON.stringify({ query: "{ __typename }" }), { authorization: "Bearer nope" })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await app.postGraphQL(JSON.stringify({ query: "{ __typename }" }), { authorization: "" });
    expect(limited.json.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(429);
    const authenticated = await app.postGraphQL(JSON.stringify({ query: "{ __typename }" }));
    expect(authenticated.json).toEqual({ data: { __typename: "Query" } });
    // A subscription over an authenticated socket still works from the same address.
    const customerId = await createCustomer(app);
    const first = await overWebSocket(app, print(KycStatusChangedDocument), { customerId });
    expect(first.data.kycStatusChanged.status).toBe("NOT_STARTED");
  });
});

describe("rate limits behind a proxy (TRUST_PROXY)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ IP_RATE_LIMIT_PER_MINUTE: "2", TRUST_PROXY: "loopback" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const anonymous = (forwardedFor: string) =>
    app.postGraphQL(JSON.stringify({ query: "{ __typename }" }), { authorization: "Bearer nope", "x-forwarded-for": forwardedFor });

  it("charges the client address the trusted proxy forwards, not the proxy's: one client's spent budget leaves another's whole", async () => {
    const first: number[] = [];
    for (let i = 0; i < 3; i++) first.push((await anonymous("203.0.113.7")).status);
    expect(first).toEqual([401, 401, 429]);
    expect((await anonymous("203.0.113.8")).status).toBe(401);
    // The same rule on a route Express serves: the health probe from the second client still has budget.
    expect((await fetch(`${app.url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.8" } })).status).toBe(200);
    expect((await fetch(`${app.url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(429);
  });
});
