import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { bondSimulate, createCustomer, kycInput, waitForKycStatus } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const simulate = (path: string, body: Record<string, unknown>) => bondSimulate(app, path, body);

describe("Bond's sandbox test values drive the outcome", () => {
  it.each([
    ["000-00-0000", "UNDER_REVIEW", []],
    ["111-11-1111", "DOCUMENT_REQUIRED", ["social_security_card", "government_id"]],
    ["222-22-2222", "DOCUMENT_REQUIRED", ["government_id", "proof_of_address"]],
    ["333-33-3333", "DOCUMENT_REQUIRED", ["government_id"]],
    ["444-44-4444", "DOCUMENT_REQUIRED", ["government_id", "proof_of_address", "social_security_card"]],
    ["888-88-8888", "TIMEOUT", []],
    ["123-45-6789", "PASSED", []],
  ])("SSN %s → %s", async (ssn, status, documents) => {
    const customerId = await createCustomer(app);
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) });
    expect(result.errors).toBeUndefined();
    const customer = await waitForKycStatus(app, customerId, status);
    expect(customer.kycDocumentsRequired).toEqual(documents);
    expect(customer.kycAttempts[0].status).toBe(status);
  });

  it("POST /simulate/kyc-fail forces a failure", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    await waitForKycStatus(app, customerId, "UNDER_REVIEW");
    await simulate("kyc-fail", { customer_id: customerId });
    await waitForKycStatus(app, customerId, "FAILED");
  });

  it("POST /simulate/kyc-pass forces a pass", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    await waitForKycStatus(app, customerId, "UNDER_REVIEW");
    await simulate("kyc-pass", { customer_id: customerId });
    const customer = await waitForKycStatus(app, customerId, "PASSED");
    expect(customer.kycPassedAt).toBeTruthy();
  });

  it.each([
    ["kyc.verification.error", "ERROR"],
    ["kyc.verification.reenter_information", "REENTER_INFORMATION"],
  ])("Bond's %s maps to %s", async (event, status) => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "000-00-0000" }) });
    await waitForKycStatus(app, customerId, "UNDER_REVIEW");
    await simulate("kyc-event", { customer_id: customerId, event, incorrect_information: ["phone"] });
    await waitForKycStatus(app, customerId, status);
  });

  it("allows a new attempt after a timeout, and that one can pass", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "888-88-8888" }) });
    await waitForKycStatus(app, customerId, "TIMEOUT");
    const retry = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(retry.errors).toBeUndefined();
    const customer = await waitForKycStatus(app, customerId, "PASSED");
    expect(customer.kycAttempts.map((attempt) => attempt.status)).toEqual(["PASSED", "TIMEOUT"]);
  });
});
