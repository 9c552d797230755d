import { describe, expect, it } from "vitest";
import { verifyBondSignature } from "../../src/bond/webhook-signature.js";
import { useHarnessPerTest, SECRET, BOND_TIME, startHarness, kycBody, h, createCustomer, submitKyc, outcomesFor } from "./harness.js";

/** The embedded Bond sandbox over real HTTP: webhook delivery and subscriptions. */
useHarnessPerTest();

describe("webhooks", () => {
  it("sends submitted, then success for an ordinary SSN, each signed over the exact bytes", async () => {
    const customerId = await createCustomer();
    await submitKyc(customerId);
    await h.sandbox.idle();
    expect(h.received.map((webhook) => webhook.body)).toEqual([
      { customer_id: customerId, kyc_status: "submitted" },
      { event: "kyc.verification.success", customer_id: customerId, occurred_at: expect.stringMatching(BOND_TIME) },
    ]);
    for (const webhook of h.received) {
      expect(webhook.headers["content-type"]).toBe("application/json");
      const check = verifyBondSignature({
        header: webhook.headers["bond-signature"] as string,
        rawBody: webhook.rawBody,
        secrets: [SECRET],
        toleranceSeconds: 300,
        now: h.now(),
      });
      expect(check).toEqual({ ok: true });
      expect(
        verifyBondSignature({
          header: webhook.headers["bond-signature"] as string,
          rawBody: webhook.rawBody,
          secrets: ["other"],
          toleranceSeconds: 300,
        }),
      ).toEqual({ ok: false, reason: "mismatch" });
    }
    const occurredAt = new Date(h.received[1].body.occurred_at.replace(/^(\d{4}-\d{2}-\d{2})-/, "$1T"));
    expect(Math.abs(occurredAt.getTime() - Date.now())).toBeLessThan(10_000);
    expect(h.sandbox.deliveries.map(({ status, attempt }) => ({ status, attempt }))).toEqual([
      { status: 200, attempt: 1 },
      { status: 200, attempt: 1 },
    ]);
  });

  it.each([
    ["000-00-0000", "kyc.verification.under_review", "under_review", undefined],
    ["111-11-1111", "kyc.verification.document_required", "document_required", ["social_security_card", "government_id"]],
    ["222-22-2222", "kyc.verification.document_required", "document_required", ["government_id", "proof_of_address"]],
    ["333333333", "kyc.verification.document_required", "document_required", ["government_id"]],
    [
      "444-44-4444",
      "kyc.verification.document_required",
      "document_required",
      ["government_id", "proof_of_address", "social_security_card"],
    ],
    ["888-88-8888", "kyc.verification.timeout", "timeout", undefined],
    ["123-45-6789", "kyc.verification.success", "passed", undefined],
  ])("SSN %s → %s", async (ssn, event, status, documents) => {
    const customerId = await createCustomer();
    await submitKyc(customerId, kycBody({ ssn }));
    await h.sandbox.idle();
    const [submitted, outcome] = outcomesFor(customerId);
    expect(submitted).toEqual({ customer_id: customerId, kyc_status: "submitted" });
    expect(outcome).toEqual({
      event,
      customer_id: customerId,
      occurred_at: expect.stringMatching(BOND_TIME),
      ...(documents ? { documents } : {}),
    });
    const state = await h.call("GET", `/customers/${customerId}/verification-kyc`);
    expect(state.body).toMatchObject({ kyc_status: status, documents: documents ?? [] });
  });

  it("retries a webhook the receiver answered 500, with the same body", async () => {
    h.receiverStatuses.push(500);
    const customerId = await createCustomer();
    await submitKyc(customerId);
    await h.sandbox.idle();
    expect(h.sandbox.deliveries.map(({ body, status, attempt }) => ({ kind: body.event ?? body.kyc_status, status, attempt }))).toEqual([
      { kind: "submitted", status: 500, attempt: 1 },
      { kind: "submitted", status: 200, attempt: 2 },
      { kind: "kyc.verification.success", status: 200, attempt: 1 },
    ]);
    expect(h.received[0].rawBody.equals(h.received[1].rawBody)).toBe(true);
    expect(h.received.map((webhook) => webhook.body.event ?? webhook.body.kyc_status)).toEqual([
      "submitted",
      "submitted",
      "kyc.verification.success",
    ]);
  });

  it("gives up after the configured number of attempts, recording network errors", async () => {
    const harness = await startHarness({ webhookUrl: () => "http://127.0.0.1:9/hook", webhookRetry: { attempts: 2, baseDelayMs: 1 } });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries.map(({ status, attempt }) => ({ status, attempt }))).toEqual([
      { status: "network-error", attempt: 1 },
      { status: "network-error", attempt: 2 },
      { status: "network-error", attempt: 1 },
      { status: "network-error", attempt: 2 },
    ]);
    // Bond's decision does not depend on our receiver: the customer passed anyway.
    expect((await harness.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("passed");
  });

  it("skips delivery (and records nothing) while there is no webhook URL", async () => {
    const harness = await startHarness({ webhookUrl: () => undefined });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries).toEqual([]);
    expect((await harness.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("passed");
  });

  it("sends nothing more after close(), which is idempotent", async () => {
    const harness = await startHarness({ webhookDelayMs: 60_000 });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    const started = Date.now();
    await Promise.all([harness.sandbox.close(), harness.sandbox.close()]);
    await harness.sandbox.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(harness.received).toEqual([]);
    await submitKyc(await createCustomer(harness), kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries).toEqual([]);
  });
});
