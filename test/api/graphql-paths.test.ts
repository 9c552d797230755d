import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * `/graphql` itself is answered in front of Express (the hot path); `/graphql/` still goes through Express's
 * router to the same steps. Both must answer alike: same status, body and headers a client reads.
 */
describe("/graphql answered outside Express and through it", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGINS: "https://app.example" });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function both(init: RequestInit & { headers?: Record<string, string> }, search = "") {
    const headers = { ...(await app.asService()), ...init.headers };
    const answers = [];
    for (const path of ["/graphql", "/graphql/"]) {
      const response = await fetch(`${app.url}${path}${search}`, { ...init, headers });
      answers.push({
        status: response.status,
        body: await response.text(),
        contentType: response.headers.get("content-type"),
        allowOrigin: response.headers.get("access-control-allow-origin"),
        vary: response.headers.get("vary"),
        requestId: response.headers.get("x-request-id"),
      });
    }
    expect(answers[0]).toEqual(answers[1]);
    return answers[0];
  }

  it("a query by POST, from an allowed browser origin", async () => {
    const answer = await both({
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://app.example", "x-request-id": "paths-1" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(answer).toMatchObject({
      status: 200,
      body: JSON.stringify({ data: { __typename: "Query" } }) + "\n",
      contentType: "application/json; charset=utf-8",
      allowOrigin: "https://app.example",
      requestId: "paths-1",
    });
  });

  it("a query by GET", async () => {
    const answer = await both({ method: "GET", headers: { "x-request-id": "paths-2" } }, `?query=${encodeURIComponent("{ __typename }")}`);
    expect(answer).toMatchObject({ status: 200, contentType: "application/json; charset=utf-8" });
  });

  it("malformed JSON, an oversized body, a mutation by GET", async () => {
    expect(
      await both({ method: "POST", headers: { "content-type": "application/json", "x-request-id": "paths-3" }, body: "{ nope" }),
    ).toMatchObject({ status: 400, body: JSON.stringify({ code: "MALFORMED_JSON", message: "The request body is not valid JSON." }) });
    const huge = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(300_000) } });
    expect(
      await both({ method: "POST", headers: { "content-type": "application/json", "x-request-id": "paths-4" }, body: huge }),
    ).toMatchObject({ status: 413, body: JSON.stringify({ code: "PAYLOAD_TOO_LARGE", message: "The request body is too large." }) });
    expect(
      (await both({ method: "GET", headers: { "x-request-id": "paths-5" } }, `?query=${encodeURIComponent("mutation { __typename }")}`))
        .status,
    ).toBe(405);
  });

  it("a preflight from an origin not allowed", async () => {
    const answer = await both({
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "x-request-id": "paths-6" },
    });
    expect(answer).toMatchObject({ status: 403, vary: "Origin", allowOrigin: null });
  });
});
