import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { kycEvents } from "../../src/db/schema.js";
import { documentedFields } from "../../src/domain/bond-webhook.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer } from "../support/fixtures.js";

/**
 * Stored webhook payloads are an allow-list of Bond's documented fields: whatever else Bond (or anyone
 * holding the secret) puts in a body, under any name, is dropped before the row is written.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const storedPayloads = async (customerId: string) =>
  (await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId))).map((row) => row.payload);

/** Fields Bond does not document, personal or free text, under names no deny-list would know. */
const undocumented = {
  social_security_number: "521-44-7318",
  taxpayer_id: "521447318",
  note: "Jane called from 555-111-2222 about her passport",
  applicant: { full_name: "Jane O'Neil", date_of_birth: "1990-05-17" },
  metadata: [{ comment: "free text" }],
};

describe("stored webhook payloads", () => {
  it("keep only Bond's documented fields, each in its documented form", async () => {
    const customerId = await createCustomer(app);
    const body = {
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:07.000000+00:00",
      reasons: { ofac: "failed", email: "passed", ip: "10.0.0.1", comment: "looked fishy" },
      ...undocumented,
    };
    expect((await app.postWebhook(body)).status).toBe(200);
    const [payload] = await storedPayloads(customerId);
    expect(payload).toEqual({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:07.000000+00:00",
      reasons: { ofac: "failed", email: "passed" },
    });
    expect(Object.keys(payload).every((key) => documentedFields().includes(key))).toBe(true);
    expect(JSON.stringify(payload)).not.toMatch(/521|555|Jane|1990|free text|fishy|10\.0\.0\.1/);
  });

  it("drops undocumented fields from the submitted webhook and the documents Bond asks for", async () => {
    const submitted = await createCustomer(app);
    expect((await app.postWebhook({ customer_id: submitted, kyc_status: "submitted", ...undocumented })).status).toBe(200);
    expect(await storedPayloads(submitted)).toEqual([{ customer_id: submitted, kyc_status: "submitted" }]);

    const asked = await createCustomer(app);
    const documentRequired = {
      event: "kyc.verification.document_required",
      customer_id: asked,
      occurred_at: "2026-01-01T00:00:09Z",
      documents: ["government_id"],
      ...undocumented,
    };
    expect((await app.postWebhook(documentRequired)).status).toBe(200);
    expect(await storedPayloads(asked)).toEqual([
      {
        event: "kyc.verification.document_required",
        customer_id: asked,
        occurred_at: "2026-01-01T00:00:09Z",
        documents: ["government_id"],
      },
    ]);

    const reenter = await createCustomer(app);
    const reenterBody = {
      event: "kyc.verification.reenter_information",
      customer_id: reenter,
      occurred_at: "2026-01-01T00:00:11Z",
      incorrect_information: ["phone", "Jane O'Neil 521-44-7318"],
      ...undocumented,
    };
    expect((await app.postWebhook(reenterBody)).status).toBe(200);
    expect(await storedPayloads(reenter)).toEqual([
      {
        event: "kyc.verification.reenter_information",
        customer_id: reenter,
        occurred_at: "2026-01-01T00:00:11Z",
        incorrect_information: ["phone"],
      },
    ]);
  });
});
