import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { CustomerDocument, KycStatusChangedDocument, SubmitKycDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { at, createCustomer, kycEventsOf, kycInput, waitForKycStatus } from "../support/fixtures.js";

/** Webhook storms: the same events many times, concurrently and out of order, converge with one publish per change. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

function watch(customerId: string) {
  return collect<KycStatusChangedSubscription>(
    app.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
  );
}

/** Fisher–Yates with a seeded generator, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

describe("a webhook storm", () => {
  it.each([1, 2, 3])(
    "(seed %i) 60 concurrent deliveries of 3 events in any order: PASSED, each event stored once, one publish per change",
    async (seed) => {
      const customerId = await createCustomer(app);
      const messages = watch(customerId);
      await messages.waitFor(1);
      const submitted = { customer_id: customerId, kyc_status: "submitted" };
      const success = { event: "kyc.verification.success", customer_id: customerId, occurred_at: at(10) };
      // A failure dated after the success: a retried success must still win, and PASSED is final.
      const failure = { event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(20), reasons: { ofac: "failed" } };
      const deliveries = shuffled([...Array(20).fill(submitted), ...Array(20).fill(success), ...Array(20).fill(failure)], seed);
      const now = Math.floor(app.now().getTime() / 1000);
      // Each delivery is signed at its own time, as Bond signs every redelivery.
      const responses = await Promise.all(deliveries.map((body, index) => app.postWebhook(body, { timestamp: now - index })));
      expect(responses.filter((response) => response.status !== 200)).toEqual([]);
      expect(responses.filter((response) => response.body.result === "duplicate")).toHaveLength(57);

      const stored = await kycEventsOf(app, customerId);
      expect(stored.map((event) => event.event).sort()).toEqual(["kyc.submitted", "kyc.verification.failure", "kyc.verification.success"]);
      const customer = await app.graphql(CustomerDocument, { id: customerId });
      expect(customer.data?.customer?.kycStatus).toBe("PASSED");

      // What the subscriber saw is exactly the stored changes, in order, each once, versions without gaps.
      const changes = stored.filter((event) => event.outcome === "changed");
      await messages.waitFor(1 + changes.length);
      await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrongly doubled publish to show up
      const seen = messages.received.slice(1).map((message) => message.data!.kycStatusChanged);
      expect(seen.map((change) => change.status).sort()).toEqual(changes.map((event) => event.statusAfter).sort());
      expect(seen.map((change) => change.version)).toEqual(seen.map((_, index) => index + 1));
      expect(seen.at(-1)?.status).toBe("PASSED");
      await messages.stop();
    },
  );

  it("success before submitted, then a failure after a retried success: PASSED, the rest stored as ignored", async () => {
    const customerId = await createCustomer(app);
    // Each delivery signed at its own second (an identical signed request would be refused as a replay).
    const now = Math.floor(app.now().getTime() / 1000);
    const success = { event: "kyc.verification.success", customer_id: customerId, occurred_at: at(10) };
    expect((await app.postWebhook(success, { timestamp: now })).body).toMatchObject({ result: "changed", kycStatus: "PASSED" });
    expect((await app.postWebhook({ customer_id: customerId, kyc_status: "submitted" })).body).toMatchObject({
      result: "already-passed",
      kycStatus: "PASSED",
    });
    expect((await app.postWebhook(success, { timestamp: now - 1 })).body).toMatchObject({ result: "duplicate" });
    const failure = { event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(30) };
    expect((await app.postWebhook(failure)).body).toMatchObject({ result: "already-passed", kycStatus: "PASSED" });
    expect((await kycEventsOf(app, customerId)).map((event) => [event.event, event.outcome]).sort()).toEqual([
      ["kyc.submitted", "already-passed"],
      ["kyc.verification.failure", "already-passed"],
      ["kyc.verification.success", "changed"],
    ]);
  });
});

describe("the sandbox delivering like Bond: duplicated and reordered webhooks", () => {
  it("every customer reaches the outcome its SSN selects, and every subscriber sees each change once", async () => {
    const sandbox = app.bondSandbox!;
    sandbox.faults.setWebhookFaults({ duplicates: 3, reorderWindowMs: 150 });
    try {
      const cases = [
        ["123-45-6789", "PASSED"],
        ["000-00-0000", "UNDER_REVIEW"],
        ["111-11-1111", "DOCUMENT_REQUIRED"],
        ["888-88-8888", "TIMEOUT"],
      ] as const;
      const customers = await Promise.all(cases.map(() => createCustomer(app)));
      const watchers = customers.map((customerId) => watch(customerId));
      await Promise.all(watchers.map((watcher) => watcher.waitFor(1)));
      await Promise.all(
        customers.map((customerId, index) => app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: cases[index][0] }) })),
      );
      await sandbox.idle();
      expect(sandbox.deliveries.filter((delivery) => delivery.duplicate && delivery.status === 200).length).toBeGreaterThan(0);
      for (const [index, customerId] of customers.entries()) {
        const expected = cases[index][1];
        await waitForKycStatus(app, customerId, expected);
        const stored = await kycEventsOf(app, customerId);
        // One row per distinct event, however many copies came.
        expect(stored.length).toBe(new Set(stored.map((event) => event.identity)).size);
        // NOT_STARTED, SUBMITTED, the outcome: wait for the outcome's message rather than for a fixed time.
        await watchers[index].waitFor(3);
        const seen = watchers[index].received.slice(1).map((message) => message.data!.kycStatusChanged);
        expect(seen.map((change) => change.version)).toEqual(seen.map((_, position) => position + 1));
        expect(seen.at(-1)?.status).toBe(expected);
        // NOT_STARTED → SUBMITTED (our accepted submission) → the outcome; a late `submitted` never moves it back.
        expect(seen.map((change) => change.status)).toEqual(["SUBMITTED", expected]);
        expect(sandbox.kycSubmissionCount(customerId)).toBe(1);
      }
      await Promise.all(watchers.map(async (watcher) => watcher.stop()));
    } finally {
      sandbox.faults.clear();
    }
  });
});
