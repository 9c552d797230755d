import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { at, createCustomer } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * A POST of an unencoded body to `/webhooks/bond` itself is answered in front of Express (the hot path);
 * `/webhooks/bond/` and encoded bodies still go through Express's router to the same steps. Both must answer
 * alike (status, body and the headers Bond reads), and count alike in the metrics.
 */
describe("/webhooks/bond answered outside Express and through it", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const sign = (raw: string | Buffer) => bondSignatureHeader(app.webhookSecret, raw, Math.floor(app.now().getTime() / 1000));

  async function post(path: string, raw: string | Uint8Array, headers: Record<string, string>) {
    const response = await fetch(`${app.url}${path}`, {
      method: "POST",
      headers,
      body: typeof raw === "string" ? raw : new Uint8Array(raw),
    });
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get("content-type"),
      contentLength: response.headers.get("content-length"),
      requestId: response.headers.get("x-request-id"),
      retryAfter: response.headers.get("retry-after"),
    };
  }

  /** The same request to both paths (each with its own signature when `signed`); the answers must be equal. */
  async function both(raw: (path: string) => string, options: { signed?: boolean; requestId: string }) {
    const answers = [];
    for (const path of ["/webhooks/bond", "/webhooks/bond/"]) {
      const body = raw(path);
      const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": options.requestId };
      if (options.signed !== false) headers["bond-signature"] = sign(body);
      answers.push(await post(path, body, headers));
    }
    expect(answers[0]).toEqual(answers[1]);
    return answers[0];
  }

  async function webhookMetric(outcome: string): Promise<number> {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return text
      .split("\n")
      .filter((entry) => entry.startsWith("kyc_bond_webhook_events_total{") && entry.includes(`outcome="${outcome}"`))
      .reduce((sum, entry) => sum + Number(entry.split(" ").pop()), 0);
  }

  it("a status-changing event, each to its own customer: 200 changed, counted twice", async () => {
    const customers = [await createCustomer(app), await createCustomer(app)];
    const before = await webhookMetric("changed");
    const answer = await both(
      (path) =>
        JSON.stringify({ event: "kyc.verification.under_review", customer_id: customers[path.endsWith("/") ? 1 : 0], occurred_at: at(5) }),
      { requestId: "webhook-paths-1" },
    );
    expect(answer).toMatchObject({ status: 200, contentType: "application/json; charset=utf-8", requestId: "webhook-paths-1" });
    expect(JSON.parse(answer.body)).toEqual({ received: true, result: "changed", kycStatus: "UNDER_REVIEW" });
    expect((await webhookMetric("changed")) - before).toBe(2);
  });

  it("refusals: no signature, not JSON, an unknown customer, a body over the cap", async () => {
    expect(await both(() => JSON.stringify({ event: "x" }), { signed: false, requestId: "webhook-paths-2" })).toMatchObject({
      status: 401,
      body: JSON.stringify({ code: "INVALID_SIGNATURE", message: "Bond-Signature check failed (missing)." }),
    });
    expect(await both(() => "{ nope", { requestId: "webhook-paths-3" })).toMatchObject({
      status: 400,
      body: JSON.stringify({ code: "MALFORMED_JSON", message: "The body is not valid JSON." }),
    });
    const unknown = await both(
      () =>
        JSON.stringify({ event: "kyc.verification.under_review", customer_id: "00000000-0000-4000-8000-000000000000", occurred_at: at(6) }),
      { requestId: "webhook-paths-4" },
    );
    expect(unknown).toMatchObject({ status: 404, contentType: "application/json; charset=utf-8" });
    expect(JSON.parse(unknown.body)).toMatchObject({ code: "UNKNOWN_CUSTOMER" });
    expect(await both(() => JSON.stringify({ padding: "x".repeat(70_000) }), { requestId: "webhook-paths-5" })).toMatchObject({
      status: 413,
      body: JSON.stringify({ code: "PAYLOAD_TOO_LARGE", message: "The request body is too large." }),
    });
  });

  it("a gzip-encoded body (left to Express, which inflates it) is stored like a plain one", async () => {
    const customerId = await createCustomer(app);
    const raw = JSON.stringify({ event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(7) });
    const answer = await post("/webhooks/bond", gzipSync(raw), {
      "content-type": "application/json",
      "content-encoding": "gzip",
      "bond-signature": sign(raw),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ received: true, result: "changed", kycStatus: "UNDER_REVIEW" });
  });
});
