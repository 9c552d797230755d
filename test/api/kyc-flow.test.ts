import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CustomerDocument,
  KycStatusChangedDocument,
  SubmitKycDocument,
  UpdateCustomerDocument,
  type KycStatusChangedSubscription,
} from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput, waitForKycStatus } from "../support/fixtures.js";
import { print } from "graphql";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

function subscribe(customerId: string) {
  const client = app.websocketClient();
  return collect<KycStatusChangedSubscription>(
    client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
  );
}

describe("the KYC flow end to end (mutation → Bond sandbox → signed webhooks → Postgres → subscription)", () => {
  it("passes a customer with the default SSN and tells a live subscriber every step", async () => {
    const customerId = await createCustomer(app);
    const messages = subscribe(customerId);
    const [current] = await messages.waitFor(1);
    expect(current.data?.kycStatusChanged).toMatchObject({ customerId, status: "NOT_STARTED", previousStatus: null, version: 0 });

    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data?.submitKyc).toMatchObject({ customerId, status: "SUBMITTED", ssnLastFour: "6789" });
    expect(JSON.stringify(submitted)).not.toContain("123-45");

    const all = await messages.waitFor(3);
    expect(all.map((message) => message.data?.kycStatusChanged.status)).toEqual(["NOT_STARTED", "SUBMITTED", "PASSED"]);
    expect(all[2].data?.kycStatusChanged).toMatchObject({ previousStatus: "SUBMITTED", event: "kyc.verification.success" });
    expect(all.map((message) => message.data?.kycStatusChanged.version)).toEqual([0, 1, 2]);

    const customer = await app.graphql(CustomerDocument, { id: customerId });
    expect(customer.data?.customer).toMatchObject({ kycStatus: "PASSED", kycAttempts: [{ status: "PASSED", ssnLastFour: "6789" }] });
    const passedAt = customer.data!.customer!.kycPassedAt;
    expect(passedAt).toBeTruthy();

    // Seed rule: no further KYC after a pass; the error carries the earlier success's time; Bond is not called.
    const callsBefore = app.bondSandbox!.kycSubmissionCount(customerId);
    const again = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(again.errors?.[0].extensions).toMatchObject({ code: "KYC_ALREADY_PASSED", passedAt });
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(callsBefore);
    expect(callsBefore).toBe(1);

    // Seed rule: details can no longer be updated.
    const update = await app.graphql(UpdateCustomerDocument, { id: customerId, input: { email: "new@example.com" } });
    expect(update.errors?.[0].extensions).toMatchObject({ code: "CUSTOMER_LOCKED" });
    const after = await app.graphql(CustomerDocument, { id: customerId });
    expect(after.data?.customer?.kycStatus).toBe("PASSED");
    await messages.stop();
  });

  it("gives a late subscriber the current status first", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    await waitForKycStatus(app, customerId, "PASSED");
    const messages = subscribe(customerId);
    const [first] = await messages.waitFor(1);
    expect(first.data?.kycStatusChanged).toMatchObject({ status: "PASSED", event: "kyc.verification.success", version: 2 });
    await messages.stop();
  });

  it("updates a customer's details before KYC has passed", async () => {
    const customerId = await createCustomer(app);
    const update = await app.graphql(UpdateCustomerDocument, { id: customerId, input: { email: "NEW@example.com", lastName: "Smith" } });
    expect(update.errors).toBeUndefined();
    expect(update.data?.updateCustomer).toMatchObject({ email: "new@example.com", lastName: "Smith", firstName: "Jane" });
  });

  it("refuses a subscription to an unknown customer with CUSTOMER_NOT_FOUND", async () => {
    const client = app.websocketClient();
    const iterator = client.iterate({
      query: print(KycStatusChangedDocument),
      variables: { customerId: "00000000-0000-4000-8000-000000000000" },
    });
    const first = await iterator.next();
    expect(first.value?.errors?.[0]).toMatchObject({
      message: expect.stringContaining("No customer"),
      extensions: { code: "CUSTOMER_NOT_FOUND" },
    });
    expect((await iterator.next()).done).toBe(true);
  });
});
