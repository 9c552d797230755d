import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, customerOf, kycInput, PROGRAM_ID, waitForKycStatus } from "../support/fixtures.js";

/**
 * Bond's webhooks carry no program_id, so a KYC status is per customer. What we record is which bank
 * program the attempt that passed was for; a pass through one program ends KYC for every program.
 */
const OTHER_PROGRAM_ID = "72585109-8222-4221-b15b-48e87ffed790";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe("Customer.kycPassedProgramId", () => {
  it("is the program of the attempt that passed, not of an earlier attempt; null before a pass", async () => {
    const customerId = await createCustomer(app);
    expect((await customerOf(app, customerId))?.kycPassedProgramId).toBeNull();
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { programId: PROGRAM_ID, ssn: "888-88-8888" }) }); // sandbox: timeout
    await waitForKycStatus(app, customerId, "TIMEOUT");
    expect((await customerOf(app, customerId))?.kycPassedProgramId).toBeNull();

    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { programId: OTHER_PROGRAM_ID }) }); // passes
    const passed = await waitForKycStatus(app, customerId, "PASSED");
    expect(passed.kycPassedProgramId).toBe(OTHER_PROGRAM_ID);
    expect(passed.kycAttempts.map((attempt: { programId: string; status: string }) => [attempt.programId, attempt.status])).toEqual([
      [OTHER_PROGRAM_ID, "PASSED"],
      [PROGRAM_ID, "TIMEOUT"],
    ]);

    // The pass is the customer's: KYC for the first program is refused too.
    const again = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { programId: PROGRAM_ID }) });
    expect(again.errors?.[0]?.extensions?.code).toBe("KYC_ALREADY_PASSED");
    expect((await customerOf(app, customerId))?.kycPassedProgramId).toBe(OTHER_PROGRAM_ID);
  });
});
