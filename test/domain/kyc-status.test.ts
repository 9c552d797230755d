import { describe, expect, it } from "vitest";
import { applyKycSignal, KycStatus, type KycState, type KycStatusSignal } from "../../src/domain/kyc-status.js";

const t = (iso: string) => new Date(iso);
const micros = (iso: string) => t(iso).getTime() * 1000;
/** A state whose status came from a Bond event at `statusAt` (or none), in round 1 unless said. */
const state = (
  status: KycStatus,
  statusAt: string | null = null,
  passedAt: string | null = null,
  rounds: { round?: number; statusRound?: number } = {},
): KycState => ({
  status,
  statusAt: statusAt ? t(statusAt) : null,
  passedAt: passedAt ? t(passedAt) : null,
  round: rounds.round ?? (status === KycStatus.NOT_STARTED ? 0 : 1),
  statusRound: rounds.statusRound ?? rounds.round ?? (status === KycStatus.NOT_STARTED ? 0 : 1),
  bondTimeMicros: statusAt ? micros(statusAt) : null,
});
const webhook = (event: Exclude<KycStatusSignal["event"], never>, occurredAt: string | null): KycStatusSignal => ({
  source: "bond",
  event,
  occurredAt: occurredAt ? t(occurredAt) : null,
  occurredAtMicros: occurredAt ? micros(occurredAt) : null,
});
const submission = (round: number, at = "2000-01-01T00:00:00Z"): KycStatusSignal => ({
  source: "submission",
  event: "kyc.submitted",
  round,
  occurredAt: t(at),
});

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
    const result = applyKycSignal(
      state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"),
      webhook("kyc.verification.success", "2026-01-01T00:00:07Z"),
    );
    expect(result.state.passedAt).toEqual(t("2026-01-01T00:00:07Z"));
  });

  it("keeps PASSED after a late submitted webhook", () => {
    const result = applyKycSignal(state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"), webhook("kyc.submitted", null));
    expect(result).toMatchObject({ kind: "ignored", reason: "already-passed", state: { status: KycStatus.PASSED } });
  });

  it("keeps PASSED after a later failure (no KYC after a pass)", () => {
    const result = applyKycSignal(
      state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"),
      webhook("kyc.verification.failure", "2026-01-02T00:00:00Z"),
    );
    expect(result).toMatchObject({ kind: "ignored", reason: "already-passed" });
  });

  it("treats a repeated success as unchanged", () => {
    const result = applyKycSignal(
      state(KycStatus.PASSED, "2026-01-01T00:00:07Z", "2026-01-01T00:00:07Z"),
      webhook("kyc.verification.success", "2026-01-01T00:00:07Z"),
    );
    expect(result).toMatchObject({ kind: "ignored", reason: "unchanged" });
  });

  it("ignores an event that occurred before the one behind the current status", () => {
    const result = applyKycSignal(
      state(KycStatus.FAILED, "2026-01-01T00:00:10Z"),
      webhook("kyc.verification.under_review", "2026-01-01T00:00:05Z"),
    );
    expect(result).toMatchObject({ kind: "ignored", reason: "stale", state: { status: KycStatus.FAILED } });
  });

  it("lets a success win even when it arrives after a newer intermediate status", () => {
    const result = applyKycSignal(
      state(KycStatus.UNDER_REVIEW, "2026-01-01T00:00:10Z"),
      webhook("kyc.verification.success", "2026-01-01T00:00:05Z"),
    );
    expect(result).toMatchObject({ kind: "changed", to: KycStatus.PASSED });
  });

  it("does not move any started status back to SUBMITTED on Bond's timeless submitted webhook", () => {
    for (const status of [KycStatus.UNDER_REVIEW, KycStatus.FAILED, KycStatus.TIMEOUT, KycStatus.DOCUMENT_REQUIRED]) {
      expect(applyKycSignal(state(status, "2026-01-01T00:00:00Z"), webhook("kyc.submitted", null)), status).toMatchObject({
        kind: "ignored",
        reason: "stale",
      });
    }
  });

  it("calls Bond's submitted webhook after our own accepted submission unchanged (a confirmation), not stale", () => {
    expect(applyKycSignal(state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"), webhook("kyc.submitted", null))).toMatchObject({
      kind: "ignored",
      reason: "unchanged",
    });
  });

  it("starts a new round from FAILED when our own submission is accepted, whatever the clocks say", () => {
    // Our clock far behind Bond's: the round is a number, so the time does not matter.
    const result = applyKycSignal(
      state(KycStatus.FAILED, "2026-01-01T00:00:00Z", null, { round: 2, statusRound: 1 }),
      submission(2, "1999-01-01T00:00:00Z"),
    );
    expect(result).toMatchObject({ kind: "changed", to: KycStatus.SUBMITTED, state: { round: 2, statusRound: 2 } });
  });

  it("does not let our submission overwrite an outcome Bond already reported for its round (a fast webhook)", () => {
    // Round 2 was opened when we began sending; Bond's failure of round 2 got here before our commit.
    const opened = state(KycStatus.FAILED, "2026-01-01T00:00:00Z", null, { round: 2, statusRound: 1 });
    const failedAgain = applyKycSignal(opened, webhook("kyc.verification.failure", "2026-01-01T00:00:09Z"));
    expect(failedAgain).toMatchObject({ kind: "ignored", reason: "unchanged", state: { statusRound: 2 } });
    expect(applyKycSignal(failedAgain.state, submission(2, "2030-01-01T00:00:00Z"))).toMatchObject({ kind: "ignored", reason: "stale" });
  });

  it("applies Bond's events of the latest round whatever our clock said when the round opened", () => {
    // Round opened by our submission dated by our clock (ahead of Bond's by an hour): Bond's event still applies.
    const submitted = applyKycSignal(
      state(KycStatus.NOT_STARTED, null, null, { round: 1, statusRound: 0 }),
      submission(1, "2026-01-01T01:00:00Z"),
    ).state;
    for (const event of [
      "kyc.verification.failure",
      "kyc.verification.document_required",
      "kyc.verification.under_review",
      "kyc.verification.timeout",
    ] as const) {
      expect(applyKycSignal(submitted, webhook(event, "2026-01-01T00:00:01Z")), event).toMatchObject({ kind: "changed" });
    }
  });

  it("orders Bond's events by occurred_at to the microsecond", () => {
    const base = state(KycStatus.SUBMITTED, null, null, { round: 1 });
    const signal = (event: KycStatusSignal["event"], occurredAtMicros: number): KycStatusSignal => ({
      source: "bond",
      event,
      occurredAt: new Date(Math.floor(occurredAtMicros / 1000)),
      occurredAtMicros,
    });
    const at = micros("2026-01-01T00:00:00.123Z");
    const review = applyKycSignal(base, signal("kyc.verification.under_review", at + 2));
    expect(review).toMatchObject({ kind: "changed", state: { bondTimeMicros: at + 2 } });
    // Same millisecond, one microsecond earlier: older, so stale.
    expect(applyKycSignal(review.state, signal("kyc.verification.document_required", at + 1))).toMatchObject({
      kind: "ignored",
      reason: "stale",
    });
    // Same millisecond, one microsecond later: newer, so it applies.
    expect(applyKycSignal(review.state, signal("kyc.verification.document_required", at + 3))).toMatchObject({
      kind: "changed",
      to: KycStatus.DOCUMENT_REQUIRED,
    });
  });

  it("keeps Bond's watermark across rounds: an older Bond event arriving in a later round is stale", () => {
    const round2 = applyKycSignal(
      state(KycStatus.TIMEOUT, "2026-01-01T00:00:10Z", null, { round: 2, statusRound: 1 }),
      submission(2),
    ).state;
    expect(applyKycSignal(round2, webhook("kyc.verification.failure", "2026-01-01T00:00:05Z"))).toMatchObject({
      kind: "ignored",
      reason: "stale",
    });
    expect(applyKycSignal(round2, webhook("kyc.verification.failure", "2026-01-01T00:00:11Z"))).toMatchObject({
      kind: "changed",
      to: KycStatus.FAILED,
    });
  });

  it("lets Bond's submitted webhook start only a round nothing was reported for yet", () => {
    const opened = state(KycStatus.FAILED, "2026-01-01T00:00:00Z", null, { round: 2, statusRound: 1 });
    expect(applyKycSignal(opened, webhook("kyc.submitted", null))).toMatchObject({
      kind: "changed",
      to: KycStatus.SUBMITTED,
      state: { statusRound: 2 },
    });
  });
});
