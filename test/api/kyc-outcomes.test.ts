import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KycEventsDocument, SubmitKycDocument } from "../gql/graphql.js";
import { bondSimulate, createCustomer, customerOf, eventually, kycInput, waitForKycStatus } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const simulate = (path: string, body: Record<string, unknown>) => bondSimulate(app, path, body);

/** A customer whose KYC Bond is reviewing (sandbox SSN 000-00-0000), so any outcome can follow. */
async function customerUnderReview(): Promise<string> {
  const customerId = await createCustomer(app);
  await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
  await waitForKycStatus(app, customerId, "UNDER_REVIEW");
  return customerId;
}

/** Every outcome event Bond documents, with the details it carries, and what the customer then shows. */
describe("every KYC outcome Bond can send", () => {
  it.each([
    ["kyc.verification.success", "PASSED", {}],
    [
      "kyc.verification.failure",
      "FAILED",
      { reasons: { ofac: "passed", bureau: "failed", mobile: "passed", ip: "failed", email: "passed" } },
    ],
    ["kyc.verification.error", "ERROR", {}],
    ["kyc.verification.timeout", "TIMEOUT", {}],
    ["kyc.verification.document_required", "DOCUMENT_REQUIRED", { documents: ["proof_of_address"] }],
    ["kyc.verification.reenter_information", "REENTER_INFORMATION", { incorrect_information: ["phone", "email"] }],
  ])("%s → %s", async (event, status, extra) => {
    const customerId = await customerUnderReview();
    await simulate("kyc-event", { customer_id: customerId, event, ...extra });
    const customer = await waitForKycStatus(app, customerId, status);
    expect(customer.kycFailureReasons).toEqual(
      status === "FAILED" ? { ofac: "passed", bureau: "failed", mobile: "passed", ip: "failed", email: "passed" } : null,
    );
    expect(customer.kycIncorrectInformation).toEqual(status === "REENTER_INFORMATION" ? ["phone", "email"] : []);
    expect(customer.kycDocumentsRequired).toEqual(status === "DOCUMENT_REQUIRED" ? ["proof_of_address"] : []);
    expect(customer.kycAttempts[0].status).toBe(status);
    const events = (await app.graphql(KycEventsDocument, { customerId })).data!.kycEvents;
    expect(events.at(-1)).toMatchObject({ event, outcome: "changed", statusAfter: status });
  });

  it("kyc.verification.under_review → UNDER_REVIEW (sandbox SSN 000-00-0000)", async () => {
    const customerId = await customerUnderReview();
    const customer = await customerOf(app, customerId);
    expect(customer).toMatchObject({
      kycStatus: "UNDER_REVIEW",
      kycDocumentsRequired: [],
      kycFailureReasons: null,
      kycIncorrectInformation: [],
    });
  });

  it("a failure without reasons shows none; a later attempt clears the reasons", async () => {
    const customerId = await customerUnderReview();
    await app.postWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: new Date().toISOString() });
    expect((await waitForKycStatus(app, customerId, "FAILED")).kycFailureReasons).toBeNull();

    await simulate("kyc-fail", { customer_id: customerId, reasons: { bureau: "failed" } });
    await eventually(async () => (await customerOf(app, customerId))?.kycFailureReasons?.bureau === "failed");
    expect((await customerOf(app, customerId))?.kycFailureReasons).toEqual({
      ofac: null,
      bureau: "failed",
      mobile: null,
      ip: null,
      email: null,
    });

    await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect((await waitForKycStatus(app, customerId, "PASSED")).kycFailureReasons).toBeNull();
  });

  it("a new document request replaces the list of documents still required", async () => {
    const customerId = await customerUnderReview();
    await simulate("kyc-event", { customer_id: customerId, event: "kyc.verification.document_required", documents: ["government_id"] });
    await waitForKycStatus(app, customerId, "DOCUMENT_REQUIRED");
    await simulate("kyc-event", {
      customer_id: customerId,
      event: "kyc.verification.document_required",
      documents: ["government_id", "social_security_card"],
    });
    await eventually(async () => (await customerOf(app, customerId))?.kycDocumentsRequired.length === 2);
    const events = (await app.graphql(KycEventsDocument, { customerId })).data!.kycEvents;
    expect(events.at(-1)).toMatchObject({ outcome: "unchanged", documents: ["government_id", "social_security_card"] });
  });
});
