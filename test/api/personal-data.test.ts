import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, eventually, kycInput } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Every row of every table of ours, as text. */
async function everythingStored(): Promise<string> {
  const tables = ["customers", "kyc_attempts", "idempotency_keys", "kyc_events"];
  const dumps: string[] = [];
  for (const table of tables) {
    const rows = await app.database.db.execute(sql.raw(`select row_to_json(t)::text as row from ${table} t`));
    const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    dumps.push(JSON.stringify(list));
  }
  return dumps.join("\n");
}

describe("an SSN never leaves the request in clear", () => {
  it("is absent from responses, logs and every table, through success, replay, errors and webhooks", async () => {
    const ssn = "521-44-7318";
    const digits = ssn.replace(/-/g, "");
    const customerId = await createCustomer(app);
    const responses: unknown[] = [];
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "pii-check" }) }));
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "pii-check" }) }));
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "pii-check", ip: "10.9.9.9" }) }));
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, email: "bad" }) }));
    await eventually(async () => (await app.graphql(CustomerDocument, { id: customerId })).data?.customer?.kycStatus === "PASSED");
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) }));
    responses.push(await app.graphql(CustomerDocument, { id: customerId }));
    responses.push(await app.postWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: "2030-01-01T00:00:00Z", ssn }));

    const stored = await everythingStored();
    for (const haystack of [JSON.stringify(responses), app.logs.join(""), stored]) {
      expect(haystack).not.toContain(ssn);
      expect(haystack).not.toContain(digits);
    }
    expect(app.logs.length).toBeGreaterThan(0);
    expect(stored).toContain("7318");
  });

  it("is kept only encrypted, and only until Bond answers", async () => {
    const customerId = await createCustomer(app);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    const rows = await app.database.db.execute(sql`select sealed_submission, fingerprint from kyc_attempts where customer_id = ${customerId}`);
    const [row] = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ sealed_submission: string | null; fingerprint: string }>;
    expect(row.sealed_submission).toBeNull();
    expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
