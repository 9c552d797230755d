import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { kycAttempts } from "../../src/db/schema.js";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { createCustomer, eventually, kycInput, waitForKycStatus } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Bond slow or down, produced by the embedded sandbox's fault modes: submitKyc retries with the same key. */
const CALL_TIMEOUT_MS = 1_500;
const RETRY_BUDGET_MS = 5_000;
let app: TestApp;
beforeAll(async () => {
  // A call timeout a loaded CI machine's own calls stay well inside (at 300 ms a cold first call timed out).
  app = await startTestApp({
    BOND_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
    BOND_RETRY_BUDGET_MS: String(RETRY_BUDGET_MS),
    BOND_RETRY_BASE_DELAY_MS: "20",
    BOND_RETRY_MAX_DELAY_MS: "200",
  });
});
afterEach(() => app.bondSandbox!.faults.clear());
afterAll(() => app?.close());

const KYC_POST = /\/verification-kyc$/;
const sandbox = () => app.bondSandbox!;
/** Every POST …/verification-kyc Bond received for the customer, faulted or not. */
const kycPosts = (customerId: string) =>
  sandbox().requests.filter((request) => request.method === "POST" && request.customerId === customerId && KYC_POST.test(request.path));
const attemptsOf = (customerId: string) => app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId));

async function submitThroughFaults(customerId: string, idempotencyKey?: string) {
  const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, idempotencyKey ? { idempotencyKey } : {}) });
  return result;
}

describe("submitKyc while Bond is flaky", () => {
  it.each([
    ["HTTP 500", { kind: "status", status: 500 }],
    ["HTTP 503", { kind: "status", status: 503 }],
    ["HTTP 429", { kind: "status", status: 429 }],
    ["a timeout", { kind: "timeout" }],
    ["a dropped connection", { kind: "reset" }],
  ] as const)("retries after %s with the same Idempotency-Key, and Bond counts the submission once", async (_name, fault) => {
    const customerId = await createCustomer(app);
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault, times: 2 });
    const result = await submitThroughFaults(customerId);
    expect(result.errors).toBeUndefined();
    expect(result.data?.submitKyc.status).toBe("SUBMITTED");
    const posts = kycPosts(customerId);
    expect(posts.map((post) => post.fault ?? post.status)).toEqual([fault.kind, fault.kind, 201]);
    expect(new Set(posts.map((post) => post.idempotencyKey))).toEqual(new Set([result.data!.submitKyc.id]));
    expect(sandbox().kycSubmissionCount(customerId)).toBe(1);
  });

  it("waits as long as Retry-After asks (429 with seconds)", async () => {
    const customerId = await createCustomer(app);
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "status", status: 429, retryAfter: "1" } });
    const result = await submitThroughFaults(customerId);
    expect(result.errors).toBeUndefined();
    const [refused, accepted] = kycPosts(customerId);
    expect(accepted.at.getTime() - refused.at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it("reconciles Bond's 409 idempotency_key_exists on a retry as submitted (the first send got through, its answer did not)", async () => {
    const customerId = await createCustomer(app);
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "accept-then-fail", status: 502 } });
    // An SSN whose outcome is not a pass, so the retry meets the idempotency check (a pass is checked first).
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    expect(result.errors).toBeUndefined();
    expect(["SUBMITTED", "UNDER_REVIEW"]).toContain(result.data?.submitKyc.status);
    expect(kycPosts(customerId).map((post) => [post.status, post.answeredStatus])).toEqual([
      [201, 502],
      [409, undefined],
    ]);
    expect(sandbox().kycSubmissionCount(customerId)).toBe(1);
    const [attempt] = await attemptsOf(customerId);
    expect(attempt.sealedSubmission).toBeNull();
    expect(attempt.sentAt).not.toBeNull();
  });

  it("takes Bond's kyc_already_passed on a retry as this attempt's own pass (the first request may have got through)", async () => {
    const customerId = await createCustomer(app);
    // The first send is accepted but its answer lost; Bond asks to wait 1 s, by which time the customer has passed.
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "accept-then-fail", status: 503 } });
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "status", status: 429, retryAfter: "1" } });
    const result = await submitThroughFaults(customerId);
    expect(result.errors).toBeUndefined();
    expect(kycPosts(customerId).map((post) => post.status)).toEqual([201, 429, 409]);
    expect(sandbox().kycSubmissionCount(customerId)).toBe(1);
    await eventually(async () => (await attemptsOf(customerId))[0]?.status === "PASSED");
    expect(await attemptsOf(customerId)).toMatchObject([{ status: "PASSED", rejectionCode: null, sealedSubmission: null }]);
  });

  it("gives up within the budget with UPSTREAM_UNAVAILABLE, records NOT_SENT, and a later retry with the same key is sent once", async () => {
    const customerId = await createCustomer(app);
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "status", status: 503 }, rate: 1 });
    const started = Date.now();
    const failed = await submitThroughFaults(customerId, "signup-1");
    const elapsed = Date.now() - started;
    expect(failed.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(elapsed).toBeLessThan(RETRY_BUDGET_MS + CALL_TIMEOUT_MS + 1000);
    expect(kycPosts(customerId).length).toBeGreaterThan(1);
    expect(await attemptsOf(customerId)).toMatchObject([{ status: "NOT_SENT", sealedSubmission: null }]);
    expect(sandbox().kycSubmissionCount(customerId)).toBe(0);

    sandbox().faults.clear();
    const retried = await submitThroughFaults(customerId, "signup-1");
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.submitKyc.status).toBe("SUBMITTED");
    const attempts = await attemptsOf(customerId);
    expect(attempts).toHaveLength(1);
    expect(new Set(kycPosts(customerId).map((post) => post.idempotencyKey))).toEqual(new Set([attempts[0].id]));
    expect(sandbox().kycSubmissionCount(customerId)).toBe(1);
  });

  it.each([
    ["123-45-6789", "PASSED"],
    ["000-00-0000", "UNDER_REVIEW"],
  ])("the client's retry with the same key goes through when Bond had the first send after all (SSN %s → %s)", async (ssn, outcome) => {
    const customerId = await createCustomer(app);
    // Bond accepts the first send but its answer is lost; every retry then fails: the client is told UPSTREAM_UNAVAILABLE.
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "accept-then-fail", status: 503 } });
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "status", status: 503 }, rate: 1 });
    const failed = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "lost-answer" }) });
    expect(failed.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(await attemptsOf(customerId)).toMatchObject([{ status: "NOT_SENT" }]);
    // Meanwhile Bond's webhooks move the customer on: the round in progress (or the pass) is this attempt's own.
    await waitForKycStatus(app, customerId, outcome);

    sandbox().faults.clear();
    const retried = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "lost-answer" }) });
    expect(retried.errors).toBeUndefined();
    expect(await attemptsOf(customerId)).toMatchObject([{ status: outcome, sealedSubmission: null }]);
    // Never backwards: the resend does not take the customer back to SUBMITTED.
    expect((await app.graphql(CustomerDocument, { id: customerId })).data?.customer?.kycStatus).toBe(outcome);
    expect(sandbox().kycSubmissionCount(customerId)).toBe(1);
    expect(kycPosts(customerId).at(-1)?.status).toBe(409);
  });

  it("does not call back sooner than a Retry-After beyond the budget: it stops at once", async () => {
    const customerId = await createCustomer(app);
    sandbox().faults.inject({ method: "POST", path: KYC_POST, fault: { kind: "status", status: 503, retryAfter: "120" }, rate: 1 });
    const started = Date.now();
    const failed = await submitThroughFaults(customerId);
    expect(failed.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    // Well inside the retry budget it would otherwise spend (generous: the CI machine is loaded).
    expect(Date.now() - started).toBeLessThan(RETRY_BUDGET_MS / 2);
    expect(kycPosts(customerId)).toHaveLength(1);
  });
});
