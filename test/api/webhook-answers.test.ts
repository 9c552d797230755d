import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { print } from "graphql";
import { CustomerDocument, KycStatusChangedDocument, SubmitKycDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { ignoredBondWebhooks } from "../../src/db/schema.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, customerRow, eventually, kycEventsOf, kycInput } from "../support/fixtures.js";
import { metricValue, scrapeMetrics } from "../support/metrics.js";

/**
 * Bond retries any non-2xx answer for about three days: what we answer decides whether it stops. A
 * well-signed event we do not act on is acknowledged and ignored; a redelivery of something we already
 * stored is acknowledged and does nothing a second time.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const now = () => Math.floor(app.now().getTime() / 1000);
const ignoredOf = (customerId: string) =>
  app.database.db.select().from(ignoredBondWebhooks).where(eq(ignoredBondWebhooks.customerId, customerId));
const ignoredCount = async (reason: string) => metricValue(await scrapeMetrics(app), "kyc_bond_webhooks_ignored_total", { reason });
const subscribe = (customerId: string) =>
  collect<KycStatusChangedSubscription>(
    app.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
  );
const settle = () => new Promise((resolve) => setTimeout(resolve, 300)); // time for a wrongly published change to arrive

describe("a well-signed event we do not act on", () => {
  it.each([
    [
      "an unknown event name",
      (customerId: string) => ({
        event: "card.created",
        customer_id: customerId,
        occurred_at: "2026-01-01T00:00:00.000001Z",
        ssn: "123-45-6789",
      }),
      "unknown-event",
    ],
    [
      "kyc.verification.status with a value we cannot map",
      (customerId: string) => ({
        event: "kyc.verification.status",
        customer_id: customerId,
        occurred_at: "2026-01-01T00:00:00Z",
        status: "pending",
      }),
      "unmapped-status",
    ],
  ])("%s: 2xx, stored as ignored, counted, logged, nothing changes", async (_name, body, reason) => {
    const customerId = await createCustomer(app);
    const messages = subscribe(customerId);
    await messages.waitFor(1);
    const before = await customerRow(app, customerId);
    const counted = await ignoredCount(reason);

    const raw = JSON.stringify(body(customerId));
    const response = await app.postWebhook(undefined, { raw });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ received: true, result: "ignored" });
    const stored = await ignoredOf(customerId);
    expect(stored).toMatchObject([{ reason, event: (JSON.parse(raw) as { event: string }).event }]);
    expect(JSON.stringify(stored[0].payload)).not.toContain("123-45-6789"); // no personal data kept
    expect(await ignoredCount(reason)).toBe(counted + 1);
    expect(app.logs.some((line) => line.includes("webhook ignored") && line.includes(customerId) && line.includes(reason))).toBe(true);

    // Bond delivers the same bytes again (re-signed): acknowledged, not stored or counted twice.
    const again = await app.postWebhook(undefined, { raw, timestamp: now() - 1 });
    expect(again).toMatchObject({ status: 200, body: { result: "duplicate" } });
    expect(await ignoredOf(customerId)).toHaveLength(1);
    expect(await ignoredCount(reason)).toBe(counted + 1);

    expect(await customerRow(app, customerId)).toEqual(before);
    expect(await kycEventsOf(app, customerId)).toEqual([]);
    await settle();
    expect(messages.received).toHaveLength(1);
    await messages.stop();
  });

  it("even without a customer or a time: 2xx and stored", async () => {
    const raw = JSON.stringify({ event: "account.closed", reference: `ref-${Date.now()}` });
    const response = await app.postWebhook(undefined, { raw });
    expect(response).toMatchObject({ status: 200, body: { result: "ignored", event: "account.closed" } });
  });

  it("an unsigned one is still refused (401) and nothing is stored", async () => {
    const customerId = await createCustomer(app);
    const response = await app.postWebhook({ event: "card.created", customer_id: customerId }, { signature: null });
    expect(response.status).toBe(401);
    expect(await ignoredOf(customerId)).toEqual([]);
  });
});

describe('kyc.verification.status (Bond\'s "Know your customer" page: passed/failed)', () => {
  it.each([
    ["passed", "PASSED", "kyc.verification.success"],
    ["failed", "FAILED", "kyc.verification.failure"],
  ])("%s → %s", async (value, status, event) => {
    const customerId = await createCustomer(app);
    const response = await app.postWebhook({
      event: "kyc.verification.status",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:01.000002+00:00",
      status: value,
    });
    expect(response).toMatchObject({ status: 200, body: { result: "changed", kycStatus: status } });
    expect((await app.graphql(CustomerDocument, { id: customerId })).data?.customer?.kycStatus).toBe(status);
    expect(await kycEventsOf(app, customerId)).toMatchObject([
      { event, outcome: "changed", payload: { event: "kyc.verification.status" } },
    ]);
  });
});

describe("redeliveries", () => {
  it("the exact bytes of a stored event again (our 2xx was lost): 2xx duplicate, nothing published", async () => {
    const customerId = await createCustomer(app);
    const messages = subscribe(customerId);
    await messages.waitFor(1);
    const raw = JSON.stringify({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:02.000000+00:00",
      reasons: { ofac: "failed" },
    });
    expect((await app.postWebhook(undefined, { raw })).body).toMatchObject({ result: "changed", kycStatus: "FAILED" });
    await messages.waitFor(2);
    const before = await customerRow(app, customerId);
    // Re-signed by Bond (new timestamp), and the very same signed request again (a replay): both acknowledged.
    const resigned = await app.postWebhook(undefined, { raw, timestamp: now() - 2 });
    const signature = bondSignatureHeader(app.webhookSecret, raw, now() - 3);
    const first = await app.postWebhook(undefined, { raw, signature });
    const replayed = await app.postWebhook(undefined, { raw, signature });
    for (const response of [resigned, first, replayed])
      expect(response).toMatchObject({ status: 200, body: { received: true, result: "duplicate", kycStatus: "FAILED" } });
    expect(await kycEventsOf(app, customerId)).toHaveLength(1);
    expect(await customerRow(app, customerId)).toEqual(before);
    await settle();
    expect(messages.received.map((message) => message.data?.kycStatusChanged.status)).toEqual(["NOT_STARTED", "FAILED"]);
    await messages.stop();
  });

  it("a replayed signature never causes a second effect, even for an event that would still apply", async () => {
    const customerId = await createCustomer(app);
    const raw = JSON.stringify({ customer_id: customerId, kyc_status: "submitted" });
    const signature = bondSignatureHeader(app.webhookSecret, raw, now());
    expect((await app.postWebhook(undefined, { raw, signature })).body).toMatchObject({ result: "changed", kycStatus: "SUBMITTED" });
    const version = (await customerRow(app, customerId)).kycVersion;
    expect((await app.postWebhook(undefined, { raw, signature })).body).toMatchObject({ result: "duplicate" });
    expect((await customerRow(app, customerId)).kycVersion).toBe(version);
  });

  it("Bond's submitted webhook for a later round is a new event, not a duplicate of the first round's", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "888-88-8888" }) }); // sandbox: timeout
    await eventually(async () => (await customerRow(app, customerId)).kycStatus === "TIMEOUT");
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) }); // sandbox: under review
    await eventually(async () => (await customerRow(app, customerId)).kycStatus === "UNDER_REVIEW");
    await app.bondSandbox!.idle();
    const submitted = (await kycEventsOf(app, customerId)).filter((event) => event.event === "kyc.submitted");
    expect(submitted.map((event) => event.round).sort()).toEqual([1, 2]);
    const deliveries = app.bondSandbox!.deliveries.filter(
      (delivery) => delivery.body.customer_id === customerId && delivery.body.kyc_status === "submitted",
    );
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
  });

  it("the same signed submitted request in a later round is that round's event, not a replay", async () => {
    app.bondSandbox!.faults.setWebhookFaults({ drop: true }); // only the webhooks this test posts
    try {
      const customerId = await createCustomer(app);
      const raw = JSON.stringify({ customer_id: customerId, kyc_status: "submitted" });
      // Bond's `submitted` after our own accepted submission confirms it ("unchanged"). Two rounds' `submitted` signed in the same second are the same bytes with the same signature.
      const signature = bondSignatureHeader(app.webhookSecret, raw, now());
      await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "888-88-8888" }) });
      expect((await app.postWebhook(undefined, { raw, signature })).body).toMatchObject({ result: "unchanged", kycStatus: "SUBMITTED" });
      await app.postWebhook({ event: "kyc.verification.timeout", customer_id: customerId, occurred_at: new Date().toISOString() });
      expect((await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "888-88-8888" }) })).data?.submitKyc.status).toBe(
        "SUBMITTED",
      );
      expect((await app.postWebhook(undefined, { raw, signature })).body).toMatchObject({ result: "unchanged", kycStatus: "SUBMITTED" });
      const submitted = (await kycEventsOf(app, customerId)).filter((event) => event.event === "kyc.submitted");
      expect(submitted.map((event) => event.round).sort()).toEqual([1, 2]);
      // Within one round the same request is still a replay.
      expect((await app.postWebhook(undefined, { raw, signature })).body).toMatchObject({ result: "duplicate" });
    } finally {
      app.bondSandbox!.faults.clear();
    }
  });
});
