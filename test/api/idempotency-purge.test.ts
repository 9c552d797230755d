import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import { SubmitKycDocument } from "../gql/graphql.js";
import { idempotencyKeys } from "../../src/db/schema.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, eventually, kycInput } from "../support/fixtures.js";

/** Idempotency keys are honoured 24 hours; a periodic job then deletes them (and the input fingerprint they hold). */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ IDEMPOTENCY_PURGE_INTERVAL_MS: "100" });
});
afterAll(() => app?.close());

const HOUR = 60 * 60 * 1000;

describe("the idempotency-key purge", () => {
  it("deletes keys older than 24 hours and keeps younger ones", async () => {
    const older = await createCustomer(app);
    const younger = await createCustomer(app);
    const keysOf = async () =>
      (
        await app.database.db
          .select({ customerId: idempotencyKeys.customerId })
          .from(idempotencyKeys)
          .where(inArray(idempotencyKeys.customerId, [older, younger]))
      )
        .map((row) => row.customerId)
        .sort();

    expect((await app.graphql(SubmitKycDocument, { input: kycInput(older, { idempotencyKey: "first-try" }) })).errors).toBeUndefined();
    app.advanceClock(23 * HOUR);
    expect((await app.graphql(SubmitKycDocument, { input: kycInput(younger, { idempotencyKey: "first-try" }) })).errors).toBeUndefined();
    // Both are within their 24 hours: several purge runs leave them.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await keysOf()).toEqual([older, younger].sort());

    app.advanceClock(2 * HOUR); // the first key is now 25 hours old, the second 2 hours
    await eventually(async () => (await keysOf()).length === 1, 20_000);
    expect(await keysOf()).toEqual([younger]);
    expect(app.logs.some((line) => line.includes("expired idempotency keys purged"))).toBe(true);
  });
});
