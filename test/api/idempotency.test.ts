import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { idempotencyKeys, kycAttempts } from "../../src/db/schema.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, eventually, kycInput } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const DAY = 24 * 60 * 60 * 1000;
const statusOf = async (id: string) => (await app.graphql(CustomerDocument, { id })).data?.customer?.kycStatus;

describe("idempotency keys on submitKyc", () => {
  it("returns the first attempt for the same key and input, without a second Bond call", async () => {
    const customerId = await createCustomer(app);
    const input = kycInput(customerId, { idempotencyKey: "signup-42" });
    const first = await app.graphql(SubmitKycDocument, { input });
    const second = await app.graphql(SubmitKycDocument, { input: { ...input, ssn: "123456789", email: "JANE@example.com" } });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data?.submitKyc.id).toBe(first.data?.submitKyc.id);
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(1);
    const attempts = await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId));
    expect(attempts).toHaveLength(1);
  });

  it("refuses the same key with different input (IDEMPOTENCY_KEY_REUSED) and changes nothing", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "k-1", ssn: "888-88-8888" }) });
    const reused = await app.graphql(SubmitKycDocument, {
      input: kycInput(customerId, { idempotencyKey: "k-1", ip: "10.1.2.3", ssn: "888-88-8888" }),
    });
    expect(reused.errors?.[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(1);
    const attempts = await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId));
    expect(attempts).toHaveLength(1);
  });

  it("forgets a key after 24 hours: the same key then starts a new attempt", async () => {
    const customerId = await createCustomer(app);
    // 888-88-8888 makes the sandbox time out, after which a new attempt is allowed.
    const first = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "daily", ssn: "888-88-8888" }) });
    await eventually(async () => (await statusOf(customerId)) === "TIMEOUT");
    const withinDay = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "daily" }) });
    expect(withinDay.errors?.[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");

    app.advanceClock(DAY + 1000);
    const nextDay = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "daily" }) });
    expect(nextDay.errors).toBeUndefined();
    expect(nextDay.data?.submitKyc.id).not.toBe(first.data?.submitKyc.id);
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(2);
    const [key] = await app.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.customerId, customerId));
    expect(key.attemptId).toBe(nextDay.data?.submitKyc.id);
    await eventually(async () => (await statusOf(customerId)) === "PASSED");
  });

  it("refuses a second attempt while the first is being processed (KYC_IN_PROGRESS)", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    await eventually(async () => (await statusOf(customerId)) === "UNDER_REVIEW");
    const second = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(second.errors?.[0].extensions).toMatchObject({ code: "KYC_IN_PROGRESS", status: "UNDER_REVIEW" });
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(1);
  });

  it("sends each attempt to Bond with its own Idempotency-Key", async () => {
    const customerId = await createCustomer(app);
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "client-key" }) });
    const call = app.bondSandbox!.requests.find(
      (request) => request.customerId === customerId && request.path.endsWith("/verification-kyc") && request.method === "POST",
    );
    expect(call?.idempotencyKey).toBe(result.data?.submitKyc.id);
  });
});
