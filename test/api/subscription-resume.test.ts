import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { KycStatusChangedDocument, KycStatusResumedDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const at = (seconds: number) => `2026-01-01-00:00:${String(seconds).padStart(2, "0")}.000000+00:00`;
type Message = KycStatusChangedSubscription["kycStatusChanged"];

function watch(customerId: string, afterVersion?: number) {
  const client = app.websocketClient();
  const iterator =
    afterVersion === undefined
      ? client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } })
      : client.iterate({ query: print(KycStatusResumedDocument), variables: { customerId, afterVersion } });
  const messages = collect<KycStatusChangedSubscription>(iterator as AsyncIterableIterator<any>);
  return { client, messages, data: () => messages.received.map((message) => message.data?.kycStatusChanged as Message) };
}

async function webhook(body: Record<string, unknown>) {
  const answer = await app.postWebhook(body);
  expect(answer.status).toBe(200);
  return answer.body;
}

describe("kycStatusChanged(customerId, afterVersion): resume without a gap or a duplicate", () => {
  it("replays the three changes a dropped subscriber missed, in order and once each, then goes on live", async () => {
    const customerId = await createCustomer(app);
    await webhook({ customer_id: customerId, kyc_status: "submitted" });

    // A subscriber sees the current status, then its socket drops.
    const first = watch(customerId);
    await first.messages.waitFor(1);
    const lastSeen = first.data()[0];
    expect(lastSeen.status).toBe("SUBMITTED");
    first.messages.done.catch(() => undefined); // the dropped socket ends its stream with an error
    first.client.terminate();

    // Three transitions while it is away.
    await webhook({
      event: "kyc.verification.document_required",
      customer_id: customerId,
      occurred_at: at(1),
      documents: ["government_id"],
    });
    await webhook({ event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(2) });
    await webhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(3), reasons: { ofac: "failed" } });

    // It reconnects with the last version it saw: all three arrive once, in order, with their own times and events.
    const resumed = watch(customerId, lastSeen.version);
    await resumed.messages.waitFor(3);
    expect(resumed.data().map((message) => [message.version, message.previousStatus, message.status, message.event])).toEqual([
      [lastSeen.version + 1, "SUBMITTED", "DOCUMENT_REQUIRED", "kyc.verification.document_required"],
      [lastSeen.version + 2, "DOCUMENT_REQUIRED", "UNDER_REVIEW", "kyc.verification.under_review"],
      [lastSeen.version + 3, "UNDER_REVIEW", "FAILED", "kyc.verification.failure"],
    ]);
    expect(resumed.data().map((message) => message.occurredAt)).toEqual([
      "2026-01-01T00:00:01.000Z",
      "2026-01-01T00:00:02.000Z",
      "2026-01-01T00:00:03.000Z",
    ]);

    // Then the live stream, with nothing repeated at the seam.
    await webhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(4) });
    await resumed.messages.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(resumed.data().map((message) => message.version)).toEqual([1, 2, 3, 4].map((step) => lastSeen.version + step));
    expect(resumed.data()[3]).toMatchObject({ previousStatus: "FAILED", status: "PASSED" });
    await resumed.messages.stop();
  });

  it("has no gap and no duplicate when changes commit while the replay is read", async () => {
    const customerId = await createCustomer(app);
    const events = [
      { customer_id: customerId, kyc_status: "submitted" },
      { event: "kyc.verification.document_required", customer_id: customerId, occurred_at: at(1), documents: ["government_id"] },
      { event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(2) },
      { event: "kyc.verification.document_required", customer_id: customerId, occurred_at: at(3), documents: ["government_id"] },
      { event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(4) },
      { event: "kyc.verification.success", customer_id: customerId, occurred_at: at(5) },
    ];
    // Half the changes before the resume, the rest racing it.
    for (const event of events.slice(0, 3)) await webhook(event);
    const racing = (async () => {
      for (const event of events.slice(3)) await webhook(event);
    })();
    const resumed = watch(customerId, 1);
    await racing;
    // The current version, as a fresh subscriber's first message gives it.
    const fresh = watch(customerId);
    await fresh.messages.waitFor(1);
    const finalVersion = fresh.data()[0].version;
    await fresh.messages.stop();
    await resumed.messages.waitFor(finalVersion - 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const versions = resumed.data().map((message) => message.version);
    expect(versions).toEqual(Array.from({ length: finalVersion - 1 }, (_, index) => index + 2));
    expect(resumed.data().at(-1)?.status).toBe("PASSED");
    await resumed.messages.stop();
  });

  it("replays nothing when the client is up to date, and only the live stream follows", async () => {
    const customerId = await createCustomer(app);
    await webhook({ customer_id: customerId, kyc_status: "submitted" });
    const first = watch(customerId);
    await first.messages.waitFor(1);
    const version = first.data()[0].version;
    await first.messages.stop();
    const resumed = watch(customerId, version);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.data()).toEqual([]);
    await webhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(9) });
    await resumed.messages.waitFor(1);
    expect(resumed.data()).toMatchObject([{ version: version + 1, previousStatus: "SUBMITTED", status: "PASSED" }]);
    await resumed.messages.stop();
  });

  it("refuses a version the customer has not reached, or a negative one, with BAD_USER_INPUT", async () => {
    const customerId = await createCustomer(app);
    for (const afterVersion of [99, -1]) {
      const resumed = watch(customerId, afterVersion);
      const refusal = await resumed.messages.done.then(
        () => resumed.messages.received,
        (errors: unknown) => errors,
      );
      expect(JSON.stringify(refusal)).toContain("BAD_USER_INPUT");
    }
  });
});
