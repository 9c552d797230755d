import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { customers, kycEvents } from "../../src/db/schema.js";
import { bondSignature, bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput, waitForKycStatus } from "../support/fixtures.js";

const success = (customerId: string) => ({
  event: "kyc.verification.success",
  customer_id: customerId,
  occurred_at: "2030-01-01T00:00:00Z",
});

/** What a forged or replayed webhook must not have changed. */
async function untouched(app: TestApp, customerId: string) {
  const [row] = await app.database.db.select().from(customers).where(eq(customers.id, customerId));
  expect(row.kycStatus).toBe("NOT_STARTED");
  expect(await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId))).toHaveLength(0);
}

describe("webhook authenticity", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ BOND_WEBHOOK_SECRET: "current-secret,previous-secret" });
  });
  afterAll(async () => {
    await app?.close();
  });
  const now = () => Math.floor(app.now().getTime() / 1000);

  it.each([
    ["unsigned", { signature: null }, "missing"],
    ["signed with another secret", { secret: "not-bonds-secret" }, "mismatch"],
    ["with a garbled header", { signature: "t=abc,v1=zz" }, "malformed"],
    ["signed 6 minutes ago (stale)", { timestamp: -360 }, "stale"],
    ["signed 6 minutes in the future", { timestamp: 360 }, "stale"],
  ] as const)("refuses a forged success %s with 401, storing nothing", async (_name, options, reason) => {
    const customerId = await createCustomer(app);
    const opts = "timestamp" in options ? { timestamp: now() + options.timestamp } : options;
    const response = await app.postWebhook(success(customerId), opts);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ code: "INVALID_SIGNATURE", message: `Bond-Signature check failed (${reason}).` });
    await untouched(app, customerId);
  });

  it("checks the signature over the raw bytes: the same JSON re-encoded does not verify", async () => {
    const customerId = await createCustomer(app);
    const raw = JSON.stringify(success(customerId));
    const signature = bondSignatureHeader("current-secret", raw, now());
    const response = await app.postWebhook(undefined, { raw: JSON.stringify(success(customerId), null, 1), signature });
    expect(response.status).toBe(401);
    await untouched(app, customerId);
  });

  it("answers a captured request replayed within the tolerance 200 duplicate, with no second effect", async () => {
    const customerId = await createCustomer(app);
    const raw = JSON.stringify(success(customerId));
    const signature = bondSignatureHeader("current-secret", raw, now());
    const first = await app.postWebhook(undefined, { raw, signature });
    expect(first.status).toBe(200);
    const replay = await app.postWebhook(undefined, { raw, signature });
    expect(replay).toEqual({ status: 200, body: { received: true, result: "duplicate", kycStatus: "PASSED" } });
    expect(await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId))).toHaveLength(1);
  });

  it("accepts the previous secret during a rotation, and any of several v1 signatures", async () => {
    const old = await createCustomer(app);
    expect((await app.postWebhook(success(old), { secret: "previous-secret" })).status).toBe(200);
    const both = await createCustomer(app);
    const raw = JSON.stringify(success(both));
    const t = now();
    const header = `t=${t},v1=${"0".repeat(64)},v1=${bondSignature("current-secret", t, raw)}`;
    expect((await app.postWebhook(undefined, { raw, signature: header })).status).toBe(200);
  });

  it("lets a redelivery through after a failed attempt with the same signature (nothing was stored the first time)", async () => {
    const raw = JSON.stringify({
      event: "kyc.verification.success",
      customer_id: "00000000-0000-4000-8000-000000000000",
      occurred_at: "2030-01-01T00:00:00Z",
    });
    const signature = bondSignatureHeader("current-secret", raw, now());
    const first = await app.postWebhook(undefined, { raw, signature });
    expect(first.status).toBe(404);
    const again = await app.postWebhook(undefined, { raw, signature });
    expect(again.status).toBe(404); // refused for the same reason, not taken for a replay
  });
});

describe("webhook source addresses", () => {
  it("refuses sources outside WEBHOOK_ALLOWED_IPS with 403 and stores nothing", async () => {
    const app = await startTestApp({ WEBHOOK_ALLOWED_IPS: "10.0.0.0/8, 192.168.1.7" });
    try {
      const customerId = await createCustomer(app);
      const response = await app.postWebhook(success(customerId));
      expect(response).toEqual({
        status: 403,
        body: { code: "FORBIDDEN_SOURCE", message: "Webhooks are not accepted from this address." },
      });
      await untouched(app, customerId);
    } finally {
      await app.close();
    }
  });

  it("accepts a source inside the list (IPv4-mapped IPv6 counts as IPv4)", async () => {
    const app = await startTestApp({ WEBHOOK_ALLOWED_IPS: "127.0.0.0/8" });
    try {
      const customerId = await createCustomer(app);
      expect((await app.postWebhook(success(customerId))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("slows down a source that keeps failing the checks (429), while Bond's signed deliveries go through", async () => {
    const app = await startTestApp({ IP_RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const customerId = await createCustomer(app);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await app.postWebhook(success(customerId), { secret: "guess" })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      await untouched(app, customerId);
    } finally {
      await app.close();
    }
  });
});

describe("the signed-string assumption is configurable", () => {
  it("with WEBHOOK_SIGNED_CONTENT={body}, the sandbox and the receiver agree and the flow completes; the default form is refused", async () => {
    const app = await startTestApp({ WEBHOOK_SIGNED_CONTENT: "{body}" });
    try {
      const customerId = await createCustomer(app);
      await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
      await waitForKycStatus(app, customerId, "PASSED");
      const other = await createCustomer(app);
      expect((await app.postWebhook(success(other))).status).toBe(401); // signed as "{t}.{body}"
    } finally {
      await app.close();
    }
  });
});
