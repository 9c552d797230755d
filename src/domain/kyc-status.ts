/**
 * The KYC status state machine. Bond decides outcomes; this module decides which of Bond's
 * (possibly late, duplicated or reordered) events may change what we show, so that a status never
 * moves backwards.
 */
export enum KycStatus {
  NOT_STARTED = "NOT_STARTED",
  SUBMITTED = "SUBMITTED",
  UNDER_REVIEW = "UNDER_REVIEW",
  DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED",
  REENTER_INFORMATION = "REENTER_INFORMATION",
  PASSED = "PASSED",
  FAILED = "FAILED",
  TIMEOUT = "TIMEOUT",
  ERROR = "ERROR",
}

/** Bond's KYC event names. `kyc.submitted` stands for the `{customer_id, kyc_status: "submitted"}` webhook, which has no `event`. */
export const BOND_KYC_EVENTS = {
  "kyc.submitted": KycStatus.SUBMITTED,
  "kyc.verification.success": KycStatus.PASSED,
  "kyc.verification.failure": KycStatus.FAILED,
  "kyc.verification.error": KycStatus.ERROR,
  "kyc.verification.timeout": KycStatus.TIMEOUT,
  "kyc.verification.document_required": KycStatus.DOCUMENT_REQUIRED,
  "kyc.verification.under_review": KycStatus.UNDER_REVIEW,
  "kyc.verification.reenter_information": KycStatus.REENTER_INFORMATION,
} as const satisfies Record<string, KycStatus>;

export type BondKycEventName = keyof typeof BOND_KYC_EVENTS;

export function isBondKycEventName(name: string): name is BondKycEventName {
  return Object.hasOwn(BOND_KYC_EVENTS, name);
}

/** Statuses in which Bond is still working on an attempt: a new attempt would race it. */
const IN_PROGRESS: ReadonlySet<KycStatus> = new Set([KycStatus.SUBMITTED, KycStatus.UNDER_REVIEW, KycStatus.DOCUMENT_REQUIRED]);

export function isKycInProgress(status: KycStatus): boolean {
  return IN_PROGRESS.has(status);
}

/** What we know of a customer's KYC: the status and when the event that set it happened. */
export interface KycState {
  status: KycStatus;
  /** When the event behind `status` occurred (Bond's `occurred_at`, or our submission time). Null before any. */
  statusAt: Date | null;
  passedAt: Date | null;
}

/**
 * Something that may move the status: a Bond webhook, or our own accepted submission
 * (`source: "submission"`, `occurredAt` = when we started sending it).
 */
export interface KycStatusSignal {
  event: BondKycEventName;
  /** Null for Bond's `submitted` webhook, which carries no timestamp. */
  occurredAt: Date | null;
  source: "webhook" | "submission";
}

export type KycTransition =
  | { kind: "changed"; from: KycStatus; to: KycStatus; state: KycState }
  | { kind: "ignored"; reason: "already-passed" | "stale" | "unchanged"; state: KycState };

/**
 * Decides what a signal does to the current state (pure; the caller stores and publishes).
 * - PASSED is final: nothing moves a customer out of it (Bond allows no KYC after a pass).
 * - `kyc.verification.success` always wins (a late failure of an earlier round cannot undo it).
 * - Bond's `submitted` webhook has no timestamp, so it only confirms a start from NOT_STARTED; any
 *   later status is newer than it. Our own accepted submission starts a new round at its send time.
 * - Any other event applies only if it did not occur before the event behind the current status.
 */
export function applyKycSignal(state: KycState, signal: KycStatusSignal): KycTransition {
  const to = BOND_KYC_EVENTS[signal.event];
  if (state.status === KycStatus.PASSED) {
    return { kind: "ignored", reason: to === KycStatus.PASSED ? "unchanged" : "already-passed", state };
  }
  if (signal.occurredAt === null) {
    // Already SUBMITTED (our accepted submission came first, the usual order): the webhook confirms it.
    if (state.status !== KycStatus.NOT_STARTED) return { kind: "ignored", reason: state.status === to ? "unchanged" : "stale", state };
  } else if (to !== KycStatus.PASSED && state.statusAt && signal.occurredAt < state.statusAt) {
    return { kind: "ignored", reason: "stale", state };
  }
  if (to === state.status) {
    return { kind: "ignored", reason: "unchanged", state };
  }
  const statusAt = signal.occurredAt ?? state.statusAt;
  const next: KycState = { status: to, statusAt, passedAt: to === KycStatus.PASSED ? statusAt : state.passedAt };
  return { kind: "changed", from: state.status, to, state: next };
}
