import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/database-errors.js";
import { passBelongsToAttempt } from "../../src/domain/kyc-attempt.js";
import { eventFromStatusReport } from "../../src/domain/kyc-status-report.js";
import { assertCanResendAttempt } from "../../src/domain/kyc-submission.js";
import { KycStatus } from "../../src/domain/kyc-status.js";

const customerId = "0b0f8d0e-3c1f-4a41-9a7e-1d2c3b4a5f60";
const observedAt = new Date("2026-01-01T00:10:00Z");
const report = (kycStatus: string, extra: Partial<{ passedAt: Date; updatedAt: Date; documents: string[] }> = {}) => ({
  customerId,
  kycStatus,
  passedAt: extra.passedAt ?? null,
  updatedAt: extra.updatedAt ?? null,
  documents: extra.documents ?? [],
});

describe("eventFromStatusReport", () => {
  it("turns a pass into the success event, dated when Bond says it passed", () => {
    const passedAt = new Date("2026-01-01T00:05:00Z");
    expect(eventFromStatusReport(report("passed", { passedAt, updatedAt: new Date("2026-01-01T00:06:00Z") }), observedAt)).toEqual({
      event: "kyc.verification.success",
      customerId,
      occurredAt: passedAt,
      documents: [],
      failureReasons: null,
      incorrectInformation: [],
      payload: { source: "status-read", kyc_status: "passed" },
    });
  });
  it("keeps the documents of document_required, dated by updated_at, else when we looked", () => {
    const updatedAt = new Date("2026-01-01T00:07:00Z");
    expect(eventFromStatusReport(report("document_required", { updatedAt, documents: ["government_id"] }), observedAt)).toMatchObject({
      event: "kyc.verification.document_required",
      occurredAt: updatedAt,
      documents: ["government_id"],
    });
    expect(eventFromStatusReport(report("failed"), observedAt)).toMatchObject({ event: "kyc.verification.failure", occurredAt: observedAt });
  });
  it("has nothing to say for submitted, not_started or an unknown status", () => {
    for (const status of ["submitted", "not_started", "archived"]) expect(eventFromStatusReport(report(status), observedAt)).toBeNull();
  });
});

describe("passBelongsToAttempt", () => {
  it("is true for a pass at or after the attempt began, false for an earlier one", () => {
    const began = new Date("2026-01-01T00:00:00Z");
    expect(passBelongsToAttempt(new Date("2026-01-01T00:00:01Z"), began)).toBe(true);
    expect(passBelongsToAttempt(began, began)).toBe(true);
    expect(passBelongsToAttempt(new Date("2025-12-31T23:59:59Z"), began)).toBe(false);
  });
});

describe("isDatabaseUnavailable", () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  it("recognises connection failures, wrapped or not", () => {
    for (const code of ["ECONNREFUSED", "CONNECTION_CLOSED", "CONNECT_TIMEOUT", "57P01", "08006", "53300"]) expect(isDatabaseUnavailable(coded(code))).toBe(true);
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
  const state = (status: KycStatus, passedAt: Date | null = null) => ({ status, statusAt: passedAt ?? began, passedAt });
  it("lets Bond decide when the round in progress or a newer pass may be this attempt's own", () => {
    expect(() => assertCanResendAttempt(state(KycStatus.SUBMITTED), began, false, false)).not.toThrow();
    expect(() => assertCanResendAttempt(state(KycStatus.UNDER_REVIEW), began, false, false)).not.toThrow();
    expect(() => assertCanResendAttempt(state(KycStatus.PASSED, new Date("2026-01-01T00:00:05Z")), began, false, false)).not.toThrow();
  });
  it("refuses as a new attempt would when another attempt started since, one is pending, or the pass is older", () => {
    expect(() => assertCanResendAttempt(state(KycStatus.SUBMITTED), began, true, false)).toThrow(/in progress/);
    expect(() => assertCanResendAttempt(state(KycStatus.FAILED), began, false, true)).toThrow(/in progress/);
    expect(() => assertCanResendAttempt(state(KycStatus.PASSED, new Date("2025-12-31T00:00:00Z")), began, false, false)).toThrow(/already passed/);
  });
});
