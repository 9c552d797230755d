import { z } from "zod";
import { IdempotencyKeyInFlight, IdempotencyKeyReused, KycAlreadyPassed, KycInProgress } from "./errors.js";
import { isKycInProgress, KycStatus, type KycState } from "./kyc-status.js";
import { parseOrThrow, rules } from "./validation.js";

/** A KYC submission as the client sends it (GraphQL field names). */
export interface KycSubmissionInput {
  customerId: string;
  programId: string;
  ssn: string;
  phone: string;
  phoneCountryCode: string;
  email: string;
  ip: string;
  idempotencyKey?: string | null;
}

/** A checked submission, normalised so that the same person's data always looks the same. */
export interface KycSubmission {
  customerId: string;
  programId: string;
  /** `###-##-####`, the form Bond documents. */
  ssn: string;
  phone: string;
  phoneCountryCode: string;
  email: string;
  ip: string;
  idempotencyKey: string | null;
}

const submissionSchema = z.object({
  customerId: rules.uuid("customer id"),
  programId: rules.uuid("program id"),
  ssn: rules.ssn.transform((ssn) => {
    const digits = ssn.replace(/-/g, "");
    return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
  }),
  phone: rules.phone,
  phoneCountryCode: rules.phoneCountryCode,
  email: rules.email.transform((email) => email.toLowerCase()),
  ip: rules.ip,
  idempotencyKey: rules.idempotencyKey.nullish().transform((key) => key ?? null),
});

/** Checks every field at once (so a client sees all problems in one answer) and normalises them. */
export function validateKycSubmission(input: KycSubmissionInput): KycSubmission {
  return parseOrThrow(submissionSchema, input);
}

/** The part of a submission that identifies "the same request" for idempotency. */
export function fingerprintMaterial(submission: KycSubmission): string {
  const { customerId, programId, ssn, phone, phoneCountryCode, email, ip } = submission;
  return JSON.stringify([customerId, programId, ssn, phone.replace(/-/g, ""), phoneCountryCode, email, ip]);
}

export function ssnLastFour(ssn: string): string {
  return ssn.replace(/\D/g, "").slice(-4);
}

/** Throws unless the customer may start a new KYC attempt (seed rule: none after a pass). */
export function assertCanStartKyc(state: KycState, hasUnsentAttemptInFlight: boolean): void {
  if (state.status === KycStatus.PASSED) throw new KycAlreadyPassed(state.passedAt ?? state.statusAt ?? new Date(0));
  if (isKycInProgress(state.status) || hasUnsentAttemptInFlight)
    throw new KycInProgress(hasUnsentAttemptInFlight ? "PENDING" : state.status);
}

/**
 * Sending a NOT_SENT attempt again (same client key). Its earlier send may have reached Bond after all
 * (the answer was lost): then the round in progress, or a pass in the attempt's own round, is its own,
 * and Bond's Idempotency-Key check decides. Only when another attempt started since does the usual rule apply.
 */
export function assertCanResendAttempt(
  state: KycState,
  attemptRound: number,
  anotherAttemptSince: boolean,
  hasUnsentAttemptInFlight: boolean,
): void {
  if (anotherAttemptSince || hasUnsentAttemptInFlight) return assertCanStartKyc(state, hasUnsentAttemptInFlight);
  if (state.status === KycStatus.PASSED && state.statusRound !== attemptRound) {
    throw new KycAlreadyPassed(state.passedAt ?? state.statusAt ?? new Date(0));
  }
}

/** Bond keeps an Idempotency-Key for 24 hours; so do we. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredIdempotencyKey {
  fingerprint: string;
  expiresAt: Date;
  attemptId: string;
  /** Whether the attempt behind the key is still being sent (no answer from Bond yet). */
  inFlight: boolean;
  /** Whether the attempt never reached Bond (so sending it again is safe). */
  notSent: boolean;
}

export type IdempotencyDecision = { kind: "new" } | { kind: "replay"; attemptId: string } | { kind: "resend"; attemptId: string };

/**
 * What a submission carrying an idempotency key should do:
 * - no stored key, or an expired one → a new attempt (the old key is forgotten);
 * - same key, other input → `IDEMPOTENCY_KEY_REUSED`;
 * - same key, same input, first request still in flight → `IDEMPOTENCY_KEY_IN_FLIGHT`;
 * - same key, same input, never reached Bond → send that attempt again (same Bond key);
 * - otherwise → return the first attempt, without calling Bond again.
 */
export function decideIdempotency(stored: StoredIdempotencyKey | null, fingerprint: string, now: Date): IdempotencyDecision {
  if (!stored || stored.expiresAt <= now) return { kind: "new" };
  if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
  if (stored.inFlight) throw new IdempotencyKeyInFlight();
  if (stored.notSent) return { kind: "resend", attemptId: stored.attemptId };
  return { kind: "replay", attemptId: stored.attemptId };
}
