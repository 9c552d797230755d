import { describe, expect, it } from "vitest";
import { caughtUpAttemptStatus, KycAttemptStatus } from "../../src/domain/kyc-attempt.js";
import { kycStateOf } from "../../src/domain/kyc-records.js";
import { decideKycChange, kycDetailsFor } from "../../src/domain/kyc-status-change.js";
import { KycStatus, type KycState, type KycStatusSignal } from "../../src/domain/kyc-status.js";

const t = (iso: string) => new Date(iso);
const micros = (iso: string) => t(iso).getTime() * 1000;
const state = (status: KycStatus, statusAt: string | null, rounds: { round?: number; statusRound?: number } = {}): KycState => ({
  status,
  statusAt: statusAt ? t(statusAt) : null,
  passedAt: status === KycStatus.PASSED && statusAt ? t(statusAt) : null,
  round: rounds.round ?? 1,
  statusRound: rounds.statusRound ?? rounds.round ?? 1,
  bondTimeMicros: statusAt ? micros(statusAt) : null,
});
const webhook = (event: KycStatusSignal["event"], occurredAt: string | null): KycStatusSignal => ({
  source: "bond",
  event,
  occurredAt: occurredAt ? t(occurredAt) : null,
  occurredAtMicros: occurredAt ? micros(occurredAt) : null,
});
const details = {
  documents: ["government_id", "proof_of_address"],
  failureReasons: { ofac: "failed" as const },
  incorrectInformation: ["dob"],
};

describe("kycDetailsFor", () => {
  it("keeps only the details that belong to the status", () => {
    expect(kycDetailsFor(KycStatus.DOCUMENT_REQUIRED, details)).toEqual({
      documentsRequired: ["government_id", "proof_of_address"],
      failureReasons: null,
      incorrectInformation: [],
    });
    expect(kycDetailsFor(KycStatus.FAILED, details)).toEqual({
      documentsRequired: [],
      failureReasons: { ofac: "failed" },
      incorrectInformation: [],
    });
    expect(kycDetailsFor(KycStatus.REENTER_INFORMATION, details)).toEqual({
      documentsRequired: [],
      failureReasons: null,
      incorrectInformation: ["dob"],
    });
    expect(kycDetailsFor(KycStatus.PASSED, details)).toEqual({ documentsRequired: [], failureReasons: null, incorrectInformation: [] });
  });

  it("gives empty details when there is no event behind the status", () => {
    expect(kycDetailsFor(KycStatus.DOCUMENT_REQUIRED, null)).toEqual({
      documentsRequired: [],
      failureReasons: null,
      incorrectInformation: [],
    });
  });
});

describe("decideKycChange", () => {
  it("saves a new status with its event and details, moves the attempt, and records nothing about a pass", () => {
    const decision = decideKycChange(
      state(KycStatus.SUBMITTED, "2026-01-01T00:00:00Z"),
      webhook("kyc.verification.document_required", "2026-01-01T00:00:05Z"),
      details,
    );
    expect(decision).toMatchObject({
      outcome: "changed",
      attemptStatus: KycAttemptStatus.DOCUMENT_REQUIRED,
      recordsPass: false,
      save: {
        kind: "status",
        event: "kyc.verification.document_required",
        details: { documentsRequired: ["government_id", "proof_of_address"] },
        state: { status: KycStatus.DOCUMENT_REQUIRED },
      },
    });
  });

  it("records the program of a pass", () => {
    const decision = decideKycChange(
      state(KycStatus.UNDER_REVIEW, "2026-01-01T00:00:00Z"),
      webhook("kyc.verification.success", "2026-01-01T00:00:05Z"),
      null,
    );
    expect(decision).toMatchObject({ outcome: "changed", attemptStatus: KycAttemptStatus.PASSED, recordsPass: true });
  });

  it("refreshes the details when a newer event repeats the status in the same round", () => {
    const before = state(KycStatus.DOCUMENT_REQUIRED, "2026-01-01T00:00:00Z");
    const decision = decideKycChange(before, webhook("kyc.verification.document_required", "2026-01-01T00:01:00Z"), {
      ...details,
      documents: ["social_security_card"],
    });
    expect(decision.outcome).toBe("unchanged");
    expect(decision.attemptStatus).toBeNull();
    expect(decision.save).toEqual({
      kind: "details",
      // Today the ordering saved with it is the current one (applyKycSignal keeps the state for a same-round repeat).
      state: before,
      details: { documentsRequired: ["social_security_card"], failureReasons: null, incorrectInformation: [] },
    });
  });

  it("refreshes the details when a later round ends in the same status", () => {
    const decision = decideKycChange(
      state(KycStatus.FAILED, "2026-01-01T00:00:00Z", { round: 2, statusRound: 1 }),
      webhook("kyc.verification.failure", null),
      details,
    );
    expect(decision.save).toMatchObject({ kind: "details", state: { statusRound: 2 }, details: { failureReasons: { ofac: "failed" } } });
  });

  it("saves nothing for an older repeat, a stale event or anything after a pass", () => {
    const current = state(KycStatus.DOCUMENT_REQUIRED, "2026-01-01T00:01:00Z");
    expect(decideKycChange(current, webhook("kyc.verification.document_required", "2026-01-01T00:00:00Z"), details)).toMatchObject({
      outcome: "stale",
      save: null,
    });
    expect(decideKycChange(current, webhook("kyc.verification.under_review", "2026-01-01T00:00:30Z"), details)).toMatchObject({
      outcome: "stale",
      save: null,
    });
    const passed = state(KycStatus.PASSED, "2026-01-01T00:00:00Z");
    expect(decideKycChange(passed, webhook("kyc.verification.success", "2026-01-02T00:00:00Z"), null)).toMatchObject({
      outcome: "unchanged",
      save: null,
      recordsPass: false,
    });
    expect(decideKycChange(passed, webhook("kyc.verification.failure", "2026-01-02T00:00:00Z"), details)).toMatchObject({
      outcome: "already-passed",
      save: null,
    });
  });

  it("puts our accepted submission's round in SUBMITTED, with no details", () => {
    const decision = decideKycChange(
      state(KycStatus.FAILED, "2026-01-01T00:00:00Z"),
      { source: "submission", event: "kyc.submitted", round: 2, occurredAt: t("2026-01-03T00:00:00Z") },
      null,
    );
    expect(decision).toMatchObject({
      outcome: "changed",
      attemptStatus: KycAttemptStatus.SUBMITTED,
      save: {
        kind: "status",
        event: "kyc.submitted",
        state: { status: KycStatus.SUBMITTED, statusRound: 2 },
        details: { documentsRequired: [], failureReasons: null, incorrectInformation: [] },
      },
    });
  });
});

describe("caughtUpAttemptStatus", () => {
  it("gives the customer's status when Bond's outcome got here before the attempt was recorded", () => {
    expect(caughtUpAttemptStatus(KycStatus.PASSED, KycAttemptStatus.SUBMITTED)).toBe(KycAttemptStatus.PASSED);
    expect(caughtUpAttemptStatus(KycStatus.UNDER_REVIEW, KycAttemptStatus.SUBMITTED)).toBe(KycAttemptStatus.UNDER_REVIEW);
  });

  it("gives null when the attempt already says it, or the customer has no status", () => {
    expect(caughtUpAttemptStatus(KycStatus.SUBMITTED, KycAttemptStatus.SUBMITTED)).toBeNull();
    expect(caughtUpAttemptStatus(KycStatus.NOT_STARTED, KycAttemptStatus.SUBMITTED)).toBeNull();
  });
});

describe("kycStateOf", () => {
  it("reads a customer's status columns as the state machine's state", () => {
    const customer = {
      id: "c",
      kycStatus: KycStatus.SUBMITTED,
      kycStatusAt: t("2026-01-01T00:00:00Z"),
      kycPassedAt: null,
      kycRound: 3,
      kycStatusRound: 2,
      kycBondTimeMicros: 42,
    };
    expect(kycStateOf(customer)).toEqual({
      status: KycStatus.SUBMITTED,
      statusAt: t("2026-01-01T00:00:00Z"),
      passedAt: null,
      round: 3,
      statusRound: 2,
      bondTimeMicros: 42,
    });
  });
});
