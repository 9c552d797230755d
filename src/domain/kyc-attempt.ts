import { KycStatus } from "./kyc-status.js";

/**
 * Where one KYC attempt stands. Before Bond answers it is PENDING; Bond may refuse it (REJECTED) or be
 * unreachable (NOT_SENT, safe to send again with the same idempotency key); once accepted it follows
 * the customer's KYC status while it is the customer's latest accepted attempt.
 */
export enum KycAttemptStatus {
  PENDING = "PENDING",
  NOT_SENT = "NOT_SENT",
  REJECTED = "REJECTED",
  SUBMITTED = "SUBMITTED",
  UNDER_REVIEW = "UNDER_REVIEW",
  DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED",
  REENTER_INFORMATION = "REENTER_INFORMATION",
  PASSED = "PASSED",
  FAILED = "FAILED",
  TIMEOUT = "TIMEOUT",
  ERROR = "ERROR",
}

/** Attempts Bond accepted: these follow the customer's status. */
export const ACCEPTED_ATTEMPT_STATUSES: readonly KycAttemptStatus[] = Object.values(KycStatus)
  .filter((status) => status !== KycStatus.NOT_STARTED)
  .map((status) => KycAttemptStatus[status as keyof typeof KycAttemptStatus]);

export function attemptStatusFor(status: KycStatus): KycAttemptStatus {
  return status === KycStatus.NOT_STARTED ? KycAttemptStatus.PENDING : KycAttemptStatus[status];
}

/**
 * The status an attempt just accepted by Bond catches up to when Bond's outcome got here first (a fast
 * webhook, or a resend after a crash): the customer's status, if it has one and differs; else null.
 */
export function caughtUpAttemptStatus(customerStatus: KycStatus, attemptStatus: KycAttemptStatus): KycAttemptStatus | null {
  if (customerStatus === KycStatus.NOT_STARTED) return null;
  const caughtUp = attemptStatusFor(customerStatus);
  return caughtUp === attemptStatus ? null : caughtUp;
}
