import { describe, expect, it } from "vitest";
import { applyKycSignal, KycStatus, type KycState, type KycStatusSignal } from "../../src/domain/kyc-status.js";

const t = (iso: string) => new Date(iso);
const state = (status: KycStatus, statusAt: string | null = null, passedAt: string | null = null): KycState => ({
  status,
  statusAt: statusAt ? t(statusAt) : null,
  passedAt: passedAt ? t(passedAt) : null,
});
const webhook = (event: KycStatusSignal["event"], occurredAt: string | null): KycStatusSignal => ({ event, occurredAt: occurredAt ? t(occurredAt) : null, source: "webhook" });

describe("applyKycSignal", () => {
  it("moves a new customer to SUBMITTED on Bond's submitted webhook", () => {
    const result = applyKycSignal(state(KycStatus.NOT_STARTED), webhook("kyc.submitted", null));
    expect(result).toMatchObject({ kind: "changed", from: KycStatus.NOT_STARTED, to: KycStatus.SUBMITTED });
  });

  it("maps every Bond outcome event to its status", () => {
    const expected: Array<[KycStatusSignal["event"], KycStatus]> = [
      ["kyc.verification.success", KycStatus.PASSED],
      ["kyc.verification.failure", KycStatus.FAILED],
      ["kyc.verification.error", KycStatus.ERROR],
      ["kyc.verification.timeout", KycStatus.TIMEOUT],
      ["kyc.verification.document_required", KycStatus.DOCUMENT_REQUIRED],
      ["kyc.verification.under_review", KycStatus.UNDER_REVIEW],
      ["kyc.verification.reenter_information", KycStatus.REENTER_INFORMATION],
    ];
    for (const [event, status] of expected) {
      const result = applyKycSignal(state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"), webhook(event, "2026-01-01T00:00:05Z"));
      expect(result, event).toMatchObject({ kind: "changed", to: status });
    }
  });

  it("records the pass time from the success event", () => {
    const result = applyKycSignal(state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"), webhook("kyc.verification.success", "2026-01-01T00:00:07Z"));
    expect(result.state.passedAt).toEqual(t("2026-01-01T00:00:07Z"));
  });

  it("keeps PASSED after a late submitted webhook", () => {
    const result = applyKycSignal(state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"), webhook("kyc.submitted", null));
    expect(result).toMatchObject({ kind: "ignored", reason: "already-passed", state: { status: KycStatus.PASSED } });
  });

  it("keeps PASSED after a later failure (no KYC after a pass)", () => {
    const result = applyKycSignal(state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"), webhook("kyc.verification.failure", "2026-01-02T00:00:00Z"));
    expect(result).toMatchObject({ kind: "ignored", reason: "already-passed" });
  });

  it("treats a repeated success as unchanged", () => {
    const result = applyKycSignal(state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"), webhook("kyc.verification.success", "2026-01-01T00:00:07Z"));
    expect(result).toMatchObject({ kind: "ignored", reason: "unchanged" });
  });

  it("ignores an event that occurred before the one behind the current status", () => {
    const result = applyKycSignal(state(KycStatus.FAILED, "2026-01-01T00:00:10Z"), webhook("kyc.verification.under_review", "2026-01-01T00:00:05Z"));
    expect(result).toMatchObject({ kind: "ignored", reason: "stale", state: { status: KycStatus.FAILED } });
  });

  it("lets a success win even when it arrives after a newer intermediate status", () => {
    const result = applyKycSignal(state(KycStatus.UNDER_REVIEW, "2026-01-01T00:00:10Z"), webhook("kyc.verification.success", "2026-01-01T00:00:05Z"));
    expect(result).toMatchObject({ kind: "changed", to: KycStatus.PASSED });
  });

  it("does not move any started status back to SUBMITTED on Bond's timeless submitted webhook", () => {
    for (const status of [KycStatus.UNDER_REVIEW, KycStatus.FAILED, KycStatus.TIMEOUT, KycStatus.DOCUMENT_REQUIRED]) {
      expect(applyKycSignal(state(status, "2026-01-01T00:00:00Z"), webhook("kyc.submitted", null)), status).toMatchObject({ kind: "ignored", reason: "stale" });
    }
  });

  it("calls Bond's submitted webhook after our own accepted submission unchanged (a confirmation), not stale", () => {
    expect(applyKycSignal(state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"), webhook("kyc.submitted", null))).toMatchObject({ kind: "ignored", reason: "unchanged" });
  });

  it("starts a new round from FAILED when our own submission is accepted later", () => {
    const signal: KycStatusSignal = { event: "kyc.submitted", occurredAt: t("2026-01-02T00:00:00Z"), source: "submission" };
    expect(applyKycSignal(state(KycStatus.FAILED, "2026-01-01T00:00:00Z"), signal)).toMatchObject({ kind: "changed", to: KycStatus.SUBMITTED });
  });

  it("does not let our submission overwrite an outcome Bond reported after we started sending", () => {
    const signal: KycStatusSignal = { event: "kyc.submitted", occurredAt: t("2026-01-01T00:00:00Z"), source: "submission" };
    expect(applyKycSignal(state(KycStatus.FAILED, "2026-01-01T00:00:01Z"), signal)).toMatchObject({ kind: "ignored", reason: "stale" });
  });
});
