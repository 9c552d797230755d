import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { CustomerDocument, KycStatusChangedDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { at, createCustomer, customerRow, kycEventsOf, unknownCustomerId } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("POST /webhooks/bond", () => {
  it("stores the event, moves the status and answers 200", async () => {
    const customerId = await createCustomer(app);
    const response = await app.postWebhook({ customer_id: customerId, kyc_status: "submitted" });
    expect(response).toEqual({ status: 200, body: { received: true, result: "changed", kycStatus: "SUBMITTED" } });
    expect(await kycEventsOf(app, customerId)).toHaveLength(1);
  });

  it("stores a duplicate delivery once and publishes one change", async () => {
    const customerId = await createCustomer(app);
    const messages = collect<KycStatusChangedSubscription>(
      app.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    await messages.waitFor(1);
    const success = { event: "kyc.verification.success", customer_id: customerId, occurred_at: "2026-01-01-00:00:07.000000+00:00" };
    // Bond signs each delivery when it sends it, so redeliveries carry their own timestamps.
    const now = Math.floor(app.now().getTime() / 1000);
    const responses = await Promise.all([0, 1, 2].map((offset) => app.postWebhook(success, { timestamp: now - offset })));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(responses.map((response) => response.body.result).sort()).toEqual(["changed", "duplicate", "duplicate"]);
    expect(await kycEventsOf(app, customerId)).toHaveLength(1);
    await messages.waitFor(2);
    // Give a wrongly published duplicate time to arrive before checking there was none.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(messages.received.map((message) => message.data?.kycStatusChanged.status)).toEqual(["NOT_STARTED", "PASSED"]);
    await messages.stop();
  });

  it("never moves a status backwards: a late submitted or an older outcome is stored but ignored", async () => {
    const customerId = await createCustomer(app);
    await app.postWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(10), reasons: { ofac: "failed" } });
    const older = await app.postWebhook({ event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(5) });
    expect(older.body).toMatchObject({ result: "stale", kycStatus: "FAILED" });
    const late = await app.postWebhook({ customer_id: customerId, kyc_status: "submitted" });
    expect(late.body).toMatchObject({ result: "stale", kycStatus: "FAILED" });
    await app.postWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(20) });
    const afterPass = await app.postWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(30) });
    expect(afterPass.body).toMatchObject({ result: "already-passed", kycStatus: "PASSED" });
    const customer = await app.graphql(CustomerDocument, { id: customerId });
    expect(customer.data?.customer).toMatchObject({ kycStatus: "PASSED", kycPassedAt: at(20) });
    expect((await kycEventsOf(app, customerId)).map((event) => event.outcome).sort()).toEqual([
      "already-passed",
      "changed",
      "changed",
      "stale",
      "stale",
    ]);
  });

  it("keeps the documents Bond asks for", async () => {
    const customerId = await createCustomer(app);
    await app.postWebhook({
      event: "kyc.verification.document_required",
      customer_id: customerId,
      occurred_at: at(1),
      documents: ["government_id", "proof_of_address"],
    });
    const customer = await app.graphql(CustomerDocument, { id: customerId });
    expect(customer.data?.customer).toMatchObject({
      kycStatus: "DOCUMENT_REQUIRED",
      kycDocumentsRequired: ["government_id", "proof_of_address"],
    });
  });

  describe("refuses, with a JSON error and nothing stored", () => {
    it.each([
      ["no signature", { signature: null }, 401, "INVALID_SIGNATURE"],
      ["a signature made with another secret", { secret: "not-the-secret" }, 401, "INVALID_SIGNATURE"],
      ["a signature older than the tolerance", { timestamp: Math.floor(Date.now() / 1000) - 3600 }, 401, "INVALID_SIGNATURE"],
      ["a body that is not JSON", { raw: "{not json" }, 400, "MALFORMED_JSON"],
    ])("%s", async (_name, options, status, code) => {
      const customerId = await createCustomer(app);
      const before = await customerRow(app, customerId);
      const response = await app.postWebhook({ customer_id: customerId, kyc_status: "submitted" }, options);
      expect(response.status).toBe(status);
      expect(response.body.code).toBe(code);
      expect(await kycEventsOf(app, customerId)).toHaveLength(0);
      expect(await customerRow(app, customerId)).toEqual(before);
    });

    it("a malformed event (per-field messages)", async () => {
      const customerId = await createCustomer(app);
      const response = await app.postWebhook({ event: "kyc.verification.success", customer_id: customerId });
      expect(response).toMatchObject({
        status: 400,
        body: { code: "MALFORMED_WEBHOOK", fields: { occurred_at: ["Missing data for required field."] } },
      });
      expect(await kycEventsOf(app, customerId)).toHaveLength(0);
    });

    it("an unknown customer", async () => {
      const response = await app.postWebhook({ event: "kyc.verification.success", customer_id: unknownCustomerId(), occurred_at: at(1) });
      expect(response).toMatchObject({ status: 404, body: { code: "UNKNOWN_CUSTOMER" } });
    });

    it("a body over the size cap", async () => {
      const response = await app.postWebhook(null, { raw: JSON.stringify({ padding: "x".repeat(70_000) }) });
      expect(response).toMatchObject({ status: 413, body: { code: "PAYLOAD_TOO_LARGE" } });
    });
  });
});
