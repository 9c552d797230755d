import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { print } from "graphql";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput, waitForKycStatus } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Every row of every table (ours and drizzle's migrations table), as text. */
async function everythingStored(): Promise<string> {
  const listed = await app.database.db.execute(
    sql.raw(
      "select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'",
    ),
  );
  const tables = ((Array.isArray(listed) ? listed : (listed as { rows: unknown[] }).rows) as Array<{ name: string }>).map(
    (row) => row.name,
  );
  expect(tables).toEqual(
    expect.arrayContaining([
      "public.customers",
      "public.kyc_attempts",
      "public.idempotency_keys",
      "public.kyc_events",
      "public.webhook_receipts",
    ]),
  );
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
    responses.push(
      await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, idempotencyKey: "pii-check", ip: "10.9.9.9" }) }),
    );
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn, email: "bad" }) }));
    await waitForKycStatus(app, customerId, "PASSED");
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) }));
    responses.push(await app.graphql(CustomerDocument, { id: customerId }));
    responses.push(
      await app.postWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: "2030-01-01T00:00:00Z", ssn }),
    );
    // Malformed requests: a wrong type, an unknown field, broken JSON, all carrying the SSN.
    const raw = async (body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(app.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await app.asService()), ...headers },
        body,
      });
      responses.push(await response.text());
    };
    await raw(JSON.stringify({ query: print(SubmitKycDocument), variables: { input: { ...kycInput(customerId), ssn: Number(digits) } } }));
    await raw(JSON.stringify({ query: print(SubmitKycDocument), variables: { input: { ...kycInput(customerId, { ssn }), secret: ssn } } }));
    await raw(`{"query": "mutation { submitKyc(input: {ssn: \\"${ssn}\\"}) { id } }"`);
    await raw(JSON.stringify({ query: `mutation { submitKyc(input: { customerId: "${customerId}", ssn: "${ssn}" }) { id } }` }));
    // Refused callers: another customer's token, no token.
    const other = await createCustomer(app);
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) }, await app.asCustomer(other)));
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(other, { ssn }) }, { authorization: "" }));
    // Over WebSocket, including a validation failure.
    const client = app.websocketClient({ lazy: false });
    for (const input of [kycInput(other, { ssn }), kycInput(other, { ssn, phone: "nope" })]) {
      responses.push(
        await new Promise((resolve) =>
          client.subscribe(
            { query: print(SubmitKycDocument), variables: { input } },
            { next: resolve, error: resolve, complete: () => undefined },
          ),
        ),
      );
    }
    // Bond's sandbox value that forces a failure, so Bond's own answers travel through too.
    const failing = await createCustomer(app);
    responses.push(await app.graphql(SubmitKycDocument, { input: kycInput(failing, { ssn: "111-11-1111" }) }));

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
    const rows = await app.database.db.execute(sql`select * from kyc_attempts where customer_id = ${customerId}`);
    const [row] = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
    expect(row.sealed_submission).toBeNull();
    // No fingerprint of the input is kept with the attempt (only with an idempotency key, for its 24 hours).
    expect(Object.keys(row)).not.toContain("fingerprint");
  });
});
