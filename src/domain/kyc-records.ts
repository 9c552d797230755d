import type { KycFailureReasons } from "./bond-webhook.js";
import type { Address } from "./customer.js";
import type { KycAttemptStatus } from "./kyc-attempt.js";
import type { KycState, KycStatus } from "./kyc-status.js";

/**
 * What the repositories hand the rest of the app: customers, attempts and stored events as the API
 * knows them. The database's rows must fit these (src/db checks that); nothing outside src/db sees a row.
 */

/** A customer's KYC status as a status change needs it (reading and locking only this keeps the hot path cheap). */
export interface CustomerKycState {
  id: string;
  kycStatus: KycStatus;
  kycStatusAt: Date | null;
  kycPassedAt: Date | null;
  kycRound: number;
  kycStatusRound: number;
  kycBondTimeMicros: number | null;
}

export interface CustomerRecord extends CustomerKycState {
  firstName: string;
  middleName: string | null;
  lastName: string;
  dob: string;
  phone: string | null;
  phoneCountryCode: string | null;
  email: string | null;
  addresses: Address[];
  /** The Bond event that set `kycStatus` (null before any). */
  kycStatusEvent: string | null;
  /** The bank program of the attempt the pass belongs to. */
  kycPassedProgramId: string | null;
  kycDocumentsRequired: string[];
  kycFailureReasons: KycFailureReasons | null;
  kycIncorrectInformation: string[];
  /** Bumped on every status change. */
  kycVersion: number;
  bondCreatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A customer's current status, as a subscriber's first message (or a re-sync) carries it. */
export type CustomerKycStatus = Pick<CustomerRecord, "id" | "kycStatus" | "kycStatusAt" | "kycStatusEvent" | "kycVersion" | "createdAt">;

export interface KycAttemptRecord {
  /** Also the Idempotency-Key Bond sees. */
  id: string;
  customerId: string;
  programId: string;
  status: KycAttemptStatus;
  ssnLastFour: string;
  /** The submission sealed while it may still have to be sent; null once Bond answered. */
  sealedSubmission: string | null;
  idempotencyKey: string | null;
  rejectionCode: string | null;
  sentAt: Date | null;
  /** The customer's round this attempt opened. */
  round: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One stored Bond webhook (no personal data), as operators list them. */
export interface KycEventRecord {
  id: string;
  customerId: string;
  event: string;
  occurredAt: Date | null;
  occurredAtMicros: number | null;
  round: number;
  payload: Record<string, unknown>;
  /** What the event did: changed, or why it was ignored (stale, already-passed, unchanged). */
  outcome: string;
  statusAfter: KycStatus;
  receivedAt: Date;
}

export function kycStateOf(customer: CustomerKycState): KycState {
  return {
    status: customer.kycStatus,
    statusAt: customer.kycStatusAt,
    passedAt: customer.kycPassedAt,
    round: customer.kycRound,
    statusRound: customer.kycStatusRound,
    bondTimeMicros: customer.kycBondTimeMicros,
  };
}
