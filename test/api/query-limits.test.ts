import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";
import {
  chainedFragments,
  fanOutFragments,
  nestedFields,
  nestedInlineFragments,
  nestedLists,
  nestedObjects,
  typenameAliases,
} from "../support/hostile-documents.js";

/**
 * Documents built to break the limits themselves (stack overflows in recursive checks, exponential
 * fragment expansion, uncounted aliases) get a typed 400-ish refusal over HTTP and the same code over
 * graphql-ws: never a 500, never INTERNAL_SERVER_ERROR, never an error-level log line.
 */
const REFUSALS = ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX"];

interface Outcome {
  status: number;
  code: string | undefined;
  text: string;
}

async function overHttp(app: TestApp, query: string): Promise<Outcome> {
  const result = await app.postGraphQL(JSON.stringify({ query }));
  return { status: result.status, code: result.json?.errors?.[0]?.extensions?.code ?? result.json?.code, text: result.text.slice(0, 300) };
}

async function overWebSocket(app: TestApp, query: string): Promise<Outcome> {
  const client = app.websocketClient({ lazy: false });
  const outcome = await new Promise<any>((resolve) => {
    client.subscribe(
      { query },
      {
        next: resolve,
        error: (error) => resolve(Array.isArray(error) ? { errors: error } : { close: (error as { code?: number }).code }),
        complete: () => resolve({}),
      },
    );
  });
  await client.dispose();
  return {
    status: outcome.close ?? 0,
    code: outcome.errors?.[0]?.extensions?.code ?? (outcome.close ? `close ${outcome.close}` : undefined),
    text: JSON.stringify(outcome).slice(0, 300),
  };
}

const attacks: Array<[string, string]> = [
  ["2,000 chained fragments", chainedFragments(2_000)],
  ["600 chained fragments (inside the token limit)", chainedFragments(600)],
  ["4,500 nested inline fragments", nestedInlineFragments(4_500)],
  ["900 nested inline fragments (inside the token limit)", nestedInlineFragments(900)],
  ["10,000 __typename aliases", typenameAliases(10_000)],
  ["1,000 __typename aliases (inside the token limit)", typenameAliases(1_000)],
  ["2,400 nested lists in an argument", nestedLists(2_400)],
  ["1,200 nested objects in an argument", nestedObjects(1_200)],
  ["400 nested fields", nestedFields(400)],
  ["fragments fanning out to 10^10 selections", fanOutFragments(10)],
];

const WEBSOCKET_MESSAGE_LIMIT = 64 * 1024;

/** Over WebSocket: the same code as over HTTP; a message over the 64 KB cap is refused by closing with 1009. */
function expectSameOverWebSocket(query: string, ws: Outcome, http: Outcome) {
  const subscribeMessageBytes = Buffer.byteLength(JSON.stringify({ id: "x", type: "subscribe", payload: { query } }));
  expect(ws.code, ws.text).toBe(subscribeMessageBytes > WEBSOCKET_MESSAGE_LIMIT ? "close 1009" : http.code);
}

function expectOnlyQuietLogs(app: TestApp) {
  const errorLines = app.logs.filter((line) => /"level":(50|60)/.test(line));
  expect(errorLines).toEqual([]);
}

describe("query limits never answer 500", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(attacks)("%s: a typed refusal over HTTP and the same code over WebSocket", async (_name, query) => {
    const http = await overHttp(app, query);
    expect(http.status, http.text).toBe(400);
    expect(REFUSALS, http.text).toContain(http.code);
    expectSameOverWebSocket(query, await overWebSocket(app, query), http);
    expectOnlyQuietLogs(app);
  });

  it("counts __typename aliases like any other alias", async () => {
    const http = await overHttp(app, typenameAliases(16));
    expect(http).toMatchObject({ status: 400, code: "GRAPHQL_VALIDATION_FAILED" });
    expect(http.text).toMatch(/Aliases limit of 15/);
    const ok = await overHttp(app, typenameAliases(15));
    expect(ok.status, ok.text).toBe(200);
  });

  it("still answers ordinary operations that use fragments", async () => {
    const query =
      "fragment Page on CustomerConnection { pageInfo { hasNextPage } } query { customers(first: 2) { ...Page ... on CustomerConnection { edges { cursor } } } }";
    const http = await overHttp(app, query);
    expect(http.status, http.text).toBe(200);
    const ws = await overWebSocket(app, query);
    expect(ws.code, ws.text).toBeUndefined();
  });
});

describe("with the token limit raised, the shape checks still hold", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GRAPHQL_MAX_TOKENS: "40000" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ["2,000 chained fragments", chainedFragments(2_000)],
    ["4,500 nested inline fragments", nestedInlineFragments(4_500)],
    ["10,000 __typename aliases", typenameAliases(10_000)],
    ["10,000 nested lists", nestedLists(10_000)],
  ])("%s: a typed refusal, no 500", async (_name, query) => {
    const http = await overHttp(app, query);
    expect(http.status, http.text).toBe(400);
    expect(REFUSALS, http.text).toContain(http.code);
    expectSameOverWebSocket(query, await overWebSocket(app, query), http);
    expectOnlyQuietLogs(app);
  });
});
