import { describe, expect, it } from "vitest";
import {
  IdempotencyKeyInFlight,
  IdempotencyKeyReused,
  KycAlreadyPassed,
  KycInProgress,
  ValidationFailed,
} from "../../src/domain/errors.js";
import { KycStatus } from "../../src/domain/kyc-status.js";
import {
  assertCanStartKyc,
  decideIdempotency,
  fingerprintMaterial,
  IDEMPOTENCY_TTL_MS,
  ssnLastFour,
  validateKycSubmission,
  type KycSubmissionInput,
} from "../../src/domain/kyc-submission.js";

const valid: KycSubmissionInput = {
  customerId: "931e2341-c3eb-4681-97d4-f6e09d90da14",
  programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
  ssn: "123456789",
  phone: "555-555-5555",
  phoneCountryCode: "1",
  email: "Jane.Doe@Example.com",
  ip: "127.1.1.1",
};

function fieldsOf(run: () => unknown): Record<string, string[]> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return (error as ValidationFailed).fields;
  }
  throw new Error("expected ValidationFailed");
}

describe("validateKycSubmission", () => {
  it("normalises the SSN to ###-##-#### and the email to lower case", () => {
    const submission = validateKycSubmission(valid);
    expect(submission.ssn).toBe("123-45-6789");
    expect(submission.email).toBe("jane.doe@example.com");
    expect(submission.idempotencyKey).toBeNull();
  });

  it("accepts Bond's sandbox SSNs", () => {
    for (const ssn of ["000-00-0000", "111-11-1111", "888888888"])
      expect(validateKycSubmission({ ...valid, ssn }).ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
  });

  it("reports every missing field at once, in Bond's words", () => {
    const fields = fieldsOf(() => validateKycSubmission({ customerId: valid.customerId } as KycSubmissionInput));
    expect(Object.keys(fields).sort()).toEqual(["email", "ip", "phone", "phoneCountryCode", "programId", "ssn"]);
    expect(fields.ssn).toEqual(["Missing data for required field."]);
  });

  it("rejects ill-formed values with a message per field", () => {
    const fields = fieldsOf(() =>
      validateKycSubmission({
        ...valid,
        ssn: "12-345-6789",
        phone: "call me",
        phoneCountryCode: "1234",
        email: "nope",
        ip: "257.134.1.57",
        programId: "x",
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(["email", "ip", "phone", "phoneCountryCode", "programId", "ssn"]);
    expect(fields.ssn[0]).toMatch(/SSN/);
  });

  it("never echoes the SSN in a validation message", () => {
    const fields = fieldsOf(() => validateKycSubmission({ ...valid, ssn: "987-65-432" }));
    expect(JSON.stringify(fields)).not.toContain("987-65-432");
  });

  it("rejects an empty or oversized idempotency key", () => {
    expect(Object.keys(fieldsOf(() => validateKycSubmission({ ...valid, idempotencyKey: "" })))).toEqual(["idempotencyKey"]);
    expect(Object.keys(fieldsOf(() => validateKycSubmission({ ...valid, idempotencyKey: "k".repeat(256) })))).toEqual(["idempotencyKey"]);
  });

  it("gives the same fingerprint material for the same person written differently", () => {
    const a = validateKycSubmission(valid);
    const b = validateKycSubmission({ ...valid, ssn: "123-45-6789", email: "jane.doe@example.com", phone: "5555555555" });
    expect(fingerprintMaterial(a)).toBe(fingerprintMaterial(b));
    expect(fingerprintMaterial(a)).not.toBe(fingerprintMaterial(validateKycSubmission({ ...valid, ip: "10.0.0.1" })));
  });

  it("keeps only the last four digits", () => {
    expect(ssnLastFour("123-45-6789")).toBe("6789");
  });
});

describe("assertCanStartKyc", () => {
  it("refuses any attempt after a pass, with the pass time", () => {
    const passedAt = new Date("2026-01-01T00:00:07Z");
    expect(() =>
      assertCanStartKyc({ status: KycStatus.PASSED, statusAt: passedAt, passedAt, round: 1, statusRound: 1, bondTimeMicros: null }, false),
    ).toThrow(KycAlreadyPassed);
    try {
      assertCanStartKyc({ status: KycStatus.PASSED, statusAt: passedAt, passedAt, round: 1, statusRound: 1, bondTimeMicros: null }, false);
    } catch (error) {
      expect((error as KycAlreadyPassed).passedAt).toEqual(passedAt);
    }
  });

  it("refuses a second attempt while Bond is working on one", () => {
    for (const status of [KycStatus.SUBMITTED, KycStatus.UNDER_REVIEW, KycStatus.DOCUMENT_REQUIRED]) {
      expect(
        () => assertCanStartKyc({ status, statusAt: null, passedAt: null, round: 0, statusRound: 0, bondTimeMicros: null }, false),
        status,
      ).toThrow(KycInProgress);
    }
    expect(() =>
      assertCanStartKyc(
        { status: KycStatus.NOT_STARTED, statusAt: null, passedAt: null, round: 0, statusRound: 0, bondTimeMicros: null },
        true,
      ),
    ).toThrow(KycInProgress);
  });

  it("allows a new attempt after a failure, timeout, error or a request to re-enter information", () => {
    for (const status of [KycStatus.NOT_STARTED, KycStatus.FAILED, KycStatus.TIMEOUT, KycStatus.ERROR, KycStatus.REENTER_INFORMATION]) {
      expect(
        () => assertCanStartKyc({ status, statusAt: null, passedAt: null, round: 0, statusRound: 0, bondTimeMicros: null }, false),
        status,
      ).not.toThrow();
    }
  });
});

describe("decideIdempotency", () => {
  const now = new Date("2026-01-02T00:00:00Z");
  const stored = { fingerprint: "f1", expiresAt: new Date(now.getTime() + 1000), attemptId: "a1", inFlight: false, notSent: false };

  it("starts a new attempt for an unknown key", () => {
    expect(decideIdempotency(null, "f1", now)).toEqual({ kind: "new" });
  });

  it("replays the first attempt for the same key and input", () => {
    expect(decideIdempotency(stored, "f1", now)).toEqual({ kind: "replay", attemptId: "a1" });
  });

  it("refuses the same key with other input", () => {
    expect(() => decideIdempotency(stored, "f2", now)).toThrow(IdempotencyKeyReused);
  });

  it("refuses while the first request is still in flight", () => {
    expect(() => decideIdempotency({ ...stored, inFlight: true }, "f1", now)).toThrow(IdempotencyKeyInFlight);
  });

  it("sends again an attempt that never reached Bond", () => {
    expect(decideIdempotency({ ...stored, notSent: true }, "f1", now)).toEqual({ kind: "resend", attemptId: "a1" });
  });

  it("forgets a key after 24 hours", () => {
    const expired = { ...stored, expiresAt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS - 1) };
    expect(decideIdempotency(expired, "f2", now)).toEqual({ kind: "new" });
    expect(decideIdempotency({ ...stored, expiresAt: now }, "f2", now)).toEqual({ kind: "new" });
  });
});
