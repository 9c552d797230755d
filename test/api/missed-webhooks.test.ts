import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { print } from "graphql";
import { KycStatusChangedDocument, SubmitKycDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { kycEvents } from "../../src/db/schema.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { bondStatusReads, createCustomer, customerOf, eventually, kycInput, waitForKycStatus } from "../support/fixtures.js";

/**
 * Bond's webhooks never arrive: a customer left SUBMITTED longer than RECONCILE_SUBMITTED_AFTER_MS is
 * looked up at Bond (GET …/verification-kyc) and the answer goes through the webhook path.
 */
let app: TestApp;
beforeAll(async () => {
  // A status read can come before the sandbox has decided (a loaded machine): back off briefly, not the production minute.
  app = await startTestApp({
    RECONCILE_SUBMITTED_AFTER_MS: "300",
    RECONCILE_INTERVAL_MS: "100",
    RECONCILE_BACKOFF_BASE_MS: "200",
    RECONCILE_BACKOFF_MAX_MS: "1000",
  });
  app.bondSandbox!.faults.setWebhookFaults({ drop: true });
});
afterAll(() => app?.close());

describe("missed webhooks", () => {
  it("a customer stuck in SUBMITTED gets Bond's outcome from the status read: stored, published once", async () => {
    const customerId = await createCustomer(app);
    const messages = collect<KycStatusChangedSubscription>(
      app.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    await messages.waitFor(1);
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn: "111-11-1111" }) });
    expect(submitted.data?.submitKyc.status).toBe("SUBMITTED");
    await app.bondSandbox!.idle();
    expect(app.bondSandbox!.deliveries.filter((delivery) => delivery.body.customer_id === customerId)).toEqual([]); // nothing was delivered

    const customer = await waitForKycStatus(app, customerId, "DOCUMENT_REQUIRED");
    expect(customer.kycDocumentsRequired).toEqual(["social_security_card", "government_id"]);
    expect(customer.kycAttempts[0].status).toBe("DOCUMENT_REQUIRED");
    expect(bondStatusReads(app, customerId).length).toBeGreaterThan(0);
    const stored = await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId));
    expect(stored).toMatchObject([
      {
        event: "kyc.verification.document_required",
        outcome: "changed",
        payload: { source: "status-read", kyc_status: "document_required" },
      },
    ]);

    await messages.waitFor(3);
    // Two more full reconciler passes (the second cannot join one already running), then a grace for a wrong publish.
    await app.reconciler.runOnce();
    await app.reconciler.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(messages.received.map((message) => message.data?.kycStatusChanged.status)).toEqual([
      "NOT_STARTED",
      "SUBMITTED",
      "DOCUMENT_REQUIRED",
    ]);
    await messages.stop();
  });

  it("keeps trying while Bond's status read fails, storing nothing meanwhile", async () => {
    const customerId = await createCustomer(app);
    app.bondSandbox!.faults.inject({ method: "GET", path: /\/verification-kyc$/, fault: { kind: "status", status: 503 }, rate: 1 });
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    // Wait for the reconciler to have tried (and failed) more than once, however loaded the machine is.
    await eventually(
      async () => bondStatusReads(app, customerId).length > 1 && app.logs.some((line) => line.includes("could not reconcile a KYC status")),
    );
    // Bond unreachable for the read: the customer stays SUBMITTED, nothing is stored, the reconciler keeps trying.
    expect((await customerOf(app, customerId))?.kycStatus).toBe("SUBMITTED");
    expect(await app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId))).toEqual([]);
    expect(bondStatusReads(app, customerId).length).toBeGreaterThan(1);
    expect(app.logs.some((line) => line.includes("could not reconcile a KYC status"))).toBe(true);
    app.bondSandbox!.faults.clear();
    app.bondSandbox!.faults.setWebhookFaults({ drop: true });
    await waitForKycStatus(app, customerId, "PASSED");
  });
});
