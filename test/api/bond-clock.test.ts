import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { print } from "graphql";
import { CustomerDocument, KycStatusChangedDocument, SubmitKycDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { kycEvents } from "../../src/db/schema.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { bondSimulate, createCustomer, eventually, kycInput, PASSING_SSN, waitForKycStatus } from "../support/fixtures.js";

/**
 * Bond's clock is not ours. The embedded sandbox runs with its clock minutes ahead of or behind the
 * app's (SANDBOX_CLOCK_OFFSET_MS), as a real Bond may: its event times, status reads and signatures
 * all use it. Every outcome must still reach the customer and a real graphql-ws subscriber.
 * (±4 minutes stays inside the default 300 s signature tolerance, which also bounds the skew we accept.)
 */
const OFFSETS = [
  ["4 minutes behind", -240_000],
  ["1 second behind", -1_000],
  ["4 minutes ahead", 240_000],
] as const;

const WAIT_MS = 30_000;

type Outcome = { name: string; status: string; ssn?: string; then?: (app: TestApp, customerId: string) => Promise<void> };

/** Each outcome the sandbox can be made to produce: its documented test SSNs, or its simulate endpoints after under_review. */
const OUTCOMES: Outcome[] = [
  { name: "pass", status: "PASSED", ssn: PASSING_SSN },
  { name: "under review (000-00-0000)", status: "UNDER_REVIEW", ssn: "000-00-0000" },
  { name: "documents required (111-11-1111)", status: "DOCUMENT_REQUIRED", ssn: "111-11-1111" },
  { name: "timeout (888-88-8888)", status: "TIMEOUT", ssn: "888-88-8888" },
  {
    name: "failure (simulate/kyc-fail)",
    status: "FAILED",
    ssn: "000-00-0000",
    then: (app, customerId) => bondSimulate(app, "kyc-fail", { customer_id: customerId }),
  },
  {
    name: "error",
    status: "ERROR",
    ssn: "000-00-0000",
    then: (app, customerId) => bondSimulate(app, "kyc-event", { customer_id: customerId, event: "kyc.verification.error" }),
  },
  {
    name: "re-enter information",
    status: "REENTER_INFORMATION",
    ssn: "000-00-0000",
    then: (app, customerId) =>
      bondSimulate(app, "kyc-event", {
        customer_id: customerId,
        event: "kyc.verification.reenter_information",
        incorrect_information: ["phone"],
      }),
  },
  {
    name: "pass after review (simulate/kyc-pass)",
    status: "PASSED",
    ssn: "000-00-0000",
    then: (app, customerId) => bondSimulate(app, "kyc-pass", { customer_id: customerId }),
  },
];

function subscribe(app: TestApp, customerId: string) {
  return collect<KycStatusChangedSubscription>(
    app.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
  );
}

async function heard(messages: ReturnType<typeof subscribe>, status: string) {
  return eventually(async () => messages.received.some((message) => message.data?.kycStatusChanged.status === status), WAIT_MS);
}

describe.each(OFFSETS)("Bond's clock %s ours", (_name, offsetMs) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ SANDBOX_CLOCK_OFFSET_MS: String(offsetMs) });
  });
  afterAll(() => app?.close());

  it.each(OUTCOMES)("$name → $status, stored as changed and heard by a subscriber", async ({ status, ssn, then }) => {
    const customerId = await createCustomer(app);
    const messages = subscribe(app, customerId);
    await messages.waitFor(1, WAIT_MS);
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) });
    expect(submitted.errors).toBeUndefined();
    if (then) {
      await waitForKycStatus(app, customerId, "UNDER_REVIEW", WAIT_MS);
      await then(app, customerId);
    }
    const customer = await waitForKycStatus(app, customerId, status, WAIT_MS);
    expect(customer.kycAttempts[0].status).toBe(status);
    await heard(messages, status);
    const stored = await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId));
    // Only Bond's timeless `submitted` may be stale (our accepted submission already said SUBMITTED); no outcome is.
    expect(stored.filter((event) => event.outcome === "stale" && event.event !== "kyc.submitted")).toEqual([]);
    expect(stored.some((event) => event.statusAfter === status && event.outcome === "changed")).toBe(true);
    await messages.stop();
  });

  it("a second round after a timeout reaches its own outcome (our round is a number, not our clock)", async () => {
    const customerId = await createCustomer(app);
    const messages = subscribe(app, customerId);
    await messages.waitFor(1, WAIT_MS);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "888-88-8888" }) });
    await waitForKycStatus(app, customerId, "TIMEOUT", WAIT_MS);
    const again = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    expect(again.data?.submitKyc.status).toMatch(/SUBMITTED|UNDER_REVIEW/);
    await waitForKycStatus(app, customerId, "UNDER_REVIEW", WAIT_MS);
    await bondSimulate(app, "kyc-fail", { customer_id: customerId });
    const customer = await waitForKycStatus(app, customerId, "FAILED", WAIT_MS);
    expect(customer.kycAttempts.map((attempt: { status: string }) => attempt.status)).toEqual(["FAILED", "TIMEOUT"]);
    await heard(messages, "FAILED");
    const statuses = messages.received.map((message) => message.data?.kycStatusChanged.status);
    expect(statuses.indexOf("TIMEOUT")).toBeLessThan(statuses.lastIndexOf("SUBMITTED"));
    await messages.stop();
  });
});

describe("the reconciler's status read with Bond's clock 4 minutes behind", () => {
  let app: TestApp;
  beforeAll(async () => {
    // A status read can come before the sandbox has decided (a loaded machine): back off briefly, not the production minute.
    app = await startTestApp({
      SANDBOX_CLOCK_OFFSET_MS: "-240000",
      RECONCILE_SUBMITTED_AFTER_MS: "300",
      RECONCILE_INTERVAL_MS: "100",
      RECONCILE_BACKOFF_BASE_MS: "200",
      RECONCILE_BACKOFF_MAX_MS: "1000",
    });
    app.bondSandbox!.faults.setWebhookFaults({ drop: true });
  });
  afterAll(() => app?.close());

  it.each([
    ["111-11-1111", "DOCUMENT_REQUIRED"],
    ["888-88-8888", "TIMEOUT"],
    ["000-00-0000", "UNDER_REVIEW"],
    [PASSING_SSN, "PASSED"],
  ])("every webhook lost: SSN %s still ends %s from the status read, heard by a subscriber", async (ssn, status) => {
    const customerId = await createCustomer(app);
    const messages = subscribe(app, customerId);
    await messages.waitFor(1, WAIT_MS);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) });
    await waitForKycStatus(app, customerId, status, WAIT_MS);
    await heard(messages, status);
    const stored = await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId));
    expect(stored).toMatchObject([{ outcome: "changed", statusAfter: status, payload: { source: "status-read" } }]);
    await messages.stop();
  });
});

describe("Bond's events in the same millisecond", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it("are two events, ordered by their microseconds", async () => {
    const customerId = await createCustomer(app);
    const messages = subscribe(app, customerId);
    await messages.waitFor(1, WAIT_MS);
    const review = { event: "kyc.verification.under_review", customer_id: customerId, occurred_at: "2026-01-01-00:00:00.123402+00:00" };
    const documents = {
      event: "kyc.verification.document_required",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:00.123401+00:00",
      documents: ["government_id"],
    };
    const later = {
      event: "kyc.verification.document_required",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:00.123403+00:00",
      documents: ["proof_of_address"],
    };
    expect((await app.postWebhook(review)).body).toMatchObject({ result: "changed", kycStatus: "UNDER_REVIEW" });
    // One microsecond earlier than the event applied: older, so stored as stale and nothing moves.
    expect((await app.postWebhook(documents)).body).toMatchObject({ result: "stale", kycStatus: "UNDER_REVIEW" });
    // One microsecond later: newer, applied.
    expect((await app.postWebhook(later)).body).toMatchObject({ result: "changed", kycStatus: "DOCUMENT_REQUIRED" });
    // The same bytes again are one event, not a fourth.
    expect((await app.postWebhook(later, { timestamp: Math.floor(app.now().getTime() / 1000) - 1 })).body).toMatchObject({
      result: "duplicate",
    });
    const stored = await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId));
    expect(stored.map((event) => [event.outcome, event.occurredAtMicros! % 1_000_000]).sort()).toEqual([
      ["changed", 123402],
      ["changed", 123403],
      ["stale", 123401],
    ]);
    expect((await app.graphql(CustomerDocument, { id: customerId })).data?.customer?.kycDocumentsRequired).toEqual(["proof_of_address"]);
    await heard(messages, "DOCUMENT_REQUIRED");
    expect(messages.received.map((message) => message.data?.kycStatusChanged.status)).toEqual([
      "NOT_STARTED",
      "UNDER_REVIEW",
      "DOCUMENT_REQUIRED",
    ]);
    await messages.stop();
  });
});
