import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../src/db/schema.js";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { bondStatusReads, createCustomer, eventually, kycInput } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Bond keeps answering "submitted" (the sandbox's outcome is held back for minutes): the reconciler asks about the
 * customer after RECONCILE_SUBMITTED_AFTER_MS, then backs off per customer (base doubling up to max) instead of
 * asking again on every pass (every RECONCILE_INTERVAL_MS).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    SANDBOX_WEBHOOK_DELAY_MS: "600000",
    RECONCILE_SUBMITTED_AFTER_MS: "100",
    RECONCILE_INTERVAL_MS: "100",
    RECONCILE_BACKOFF_BASE_MS: "500",
    RECONCILE_BACKOFF_MAX_MS: "1000",
  });
});
afterAll(() => app?.close());

describe("the reconciler's per-customer back-off", () => {
  it("asks Bond about a customer it keeps reporting as submitted at 0.5 s, 1 s, 1 s… rather than every 100 ms pass", async () => {
    const customerId = await createCustomer(app);
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(submitted.data?.submitKyc.status).toBe("SUBMITTED");
    await eventually(async () => bondStatusReads(app, customerId).length >= 1);
    const firstRead = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // about 30 passes
    const reads = bondStatusReads(app, customerId).length;
    // Without back-off ~30 reads; with it: 1 + about 3000 / (500, 1000, 1000, …) ≈ 4, allowing for a loaded machine.
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(reads).toBeLessThanOrEqual(6);
    const [row] = await app.database.db
      .select({ lookups: customers.reconcileLookups, nextAt: customers.reconcileNextAt })
      .from(customers)
      .where(eq(customers.id, customerId));
    expect(row.lookups).toBe(reads);
    expect(row.nextAt!.getTime()).toBeGreaterThan(firstRead);
    expect((await app.graphql(CustomerDocument, { id: customerId })).data?.customer?.kycStatus).toBe("SUBMITTED");
  });
});
