import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/errors/database-unavailable.js";
import { eventFromStatusReport } from "../../src/domain/kyc-status-report.js";
import { assertCanResendAttempt } from "../../src/domain/kyc-submission.js";
import { KycStatus } from "../../src/domain/kyc-status.js";

const customerId = "0b0f8d0e-3c1f-4a41-9a7e-1d2c3b4a5f60";
const report = (
  kycStatus: string,
  extra: Partial<{ passedAt: Date; updatedAt: Date; documents: string[]; updatedAtMicros: number }> = {},
) => ({
  customerId,
  kycStatus,
  passedAt: extra.passedAt ?? null,
  updatedAt: extra.updatedAt ?? null,
  passedAtMicros: extra.passedAt ? extra.passedAt.getTime() * 1000 : null,
  updatedAtMicros: extra.updatedAtMicros ?? (extra.updatedAt ? extra.updatedAt.getTime() * 1000 : null),
  documents: extra.documents ?? [],
});

describe("eventFromStatusReport", () => {
  it("turns a pass into the success event, dated when Bond says it passed", () => {
    const passedAt = new Date("2026-01-01T00:05:00Z");
    expect(eventFromStatusReport(report("passed", { passedAt, updatedAt: new Date("2026-01-01T00:06:00Z") }))).toEqual({
      event: "kyc.verification.success",
      customerId,
      occurredAt: passedAt,
      occurredAtMicros: passedAt.getTime() * 1000,
      documents: [],
      failureReasons: null,
      incorrectInformation: [],
      payload: { source: "status-read", kyc_status: "passed" },
    });
  });
  it("keeps the documents of document_required, dated by Bond's updated_at (to the microsecond), else not dated at all (never by our clock)", () => {
    const updatedAt = new Date("2026-01-01T00:07:00Z");
    expect(eventFromStatusReport(report("document_required", { updatedAt, documents: ["government_id"] }))).toMatchObject({
      event: "kyc.verification.document_required",
      occurredAt: updatedAt,
      documents: ["government_id"],
    });
    expect(eventFromStatusReport(report("failed", { updatedAt, updatedAtMicros: updatedAt.getTime() * 1000 + 7 }))).toMatchObject({
      occurredAtMicros: updatedAt.getTime() * 1000 + 7,
    });
    expect(eventFromStatusReport(report("failed"))).toMatchObject({
      event: "kyc.verification.failure",
      occurredAt: null,
      occurredAtMicros: null,
    });
  });
  it("has nothing to say for submitted, not_started or an unknown status", () => {
    for (const status of ["submitted", "not_started", "archived"]) expect(eventFromStatusReport(report(status))).toBeNull();
  });
});

describe("isDatabaseUnavailable", () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  it("recognises connection failures, wrapped or not", () => {
    for (const code of ["ECONNREFUSED", "CONNECTION_CLOSED", "CONNECT_TIMEOUT", "57P01", "08006", "53300"])
      expect(isDatabaseUnavailable(coded(code))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: coded("ECONNRESET") }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([coded("ECONNREFUSED")]))).toBe(true);
  });
  it("does not take a bad query or a constraint for an outage", () => {
    for (const code of ["23505", "42P01", "22P02"]) expect(isDatabaseUnavailable(coded(code))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe("assertCanResendAttempt (same key, after NOT_SENT)", () => {
  const began = new Date("2026-01-01T00:00:00Z");
  // The attempt opened round 2; `statusRound` is the round the status belongs to.
  const state = (status: KycStatus, statusRound = 2) => ({
    status,
    statusAt: began,
    passedAt: status === KycStatus.PASSED ? began : null,
    round: 2,
    statusRound,
    bondTimeMicros: null,
  });
  it("lets Bond decide when the round in progress or a pass of the attempt's own round may be this attempt's own", () => {
    expect(() => assertCanResendAttempt(state(KycStatus.SUBMITTED), 2, false, false)).not.toThrow();
    expect(() => assertCanResendAttempt(state(KycStatus.UNDER_REVIEW), 2, false, false)).not.toThrow();
    expect(() => assertCanResendAttempt(state(KycStatus.PASSED), 2, false, false)).not.toThrow();
  });
  it("refuses as a new attempt would when another attempt started since, one is pending, or the pass belongs to an earlier round", () => {
    expect(() => assertCanResendAttempt(state(KycStatus.SUBMITTED), 2, true, false)).toThrow(/in progress/);
    expect(() => assertCanResendAttempt(state(KycStatus.FAILED), 2, false, true)).toThrow(/in progress/);
    expect(() => assertCanResendAttempt(state(KycStatus.PASSED, 1), 2, false, false)).toThrow(/already passed/);
  });
});
