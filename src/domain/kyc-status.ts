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

/**
 * What we know of a customer's KYC. Ordering never mixes clocks: our own submissions are counted in
 * rounds (a sequence number), and Bond's events are ordered among themselves by Bond's `occurred_at`
 * (in microseconds, as Bond writes it). Our clock is never compared with Bond's.
 */
export interface KycState {
  status: KycStatus;
  /** When the status was set, for display only (Bond's `occurred_at`, or our submission time): never compared. */
  statusAt: Date | null;
  passedAt: Date | null;
  /** The latest round: bumped by each submission we send to Bond. */
  round: number;
  /** The round `status` belongs to. */
  statusRound: number;
  /** Bond's `occurred_at` (microseconds since the epoch) of the latest Bond event applied; null before any. */
  bondTimeMicros: number | null;
}

/**
 * Something that may move the status: a Bond event (webhook or status read), or our own submission
 * accepted by Bond, which opened round `round` when we began sending it.
 */
export type KycStatusSignal =
  | {
      source: "bond";
      event: BondKycEventName;
      /** Bond's time of the event; null when Bond gives none (the `submitted` webhook, a status read without a time). */
      occurredAt: Date | null;
      /** The same time in microseconds (Bond's full precision); null with `occurredAt`. */
      occurredAtMicros: number | null;
    }
  | { source: "submission"; event: "kyc.submitted"; round: number; occurredAt: Date };

export type KycTransition =
  | { kind: "changed"; from: KycStatus; to: KycStatus; state: KycState }
  | { kind: "ignored"; reason: "already-passed" | "stale" | "unchanged"; state: KycState };

/** A new round for a submission about to be sent (the attempt keeps its number). */
export function openRound(state: KycState): KycState {
  return { ...state, round: state.round + 1 };
}

/**
 * Decides what a signal does to the current state (pure; the caller stores and publishes).
 * - PASSED is final: nothing moves a customer out of it (Bond allows no KYC after a pass).
 * - Our accepted submission of round R sets SUBMITTED for round R, unless Bond already reported on
 *   round R (a fast webhook, or a resend after a crash): then Bond's word stands.
 * - A Bond event applies to the latest round. Among Bond's events, `occurred_at` decides: one older
 *   than the latest Bond event applied is stale (`kyc.verification.success` excepted: a pass always
 *   wins). Bond's clock only ever meets Bond's clock.
 * - Bond's `submitted` webhook (no time) only starts a round nothing has been reported for yet.
 */
export function applyKycSignal(state: KycState, signal: KycStatusSignal): KycTransition {
  const to = BOND_KYC_EVENTS[signal.event];
  if (state.status === KycStatus.PASSED) {
    return { kind: "ignored", reason: to === KycStatus.PASSED ? "unchanged" : "already-passed", state };
  }
  if (signal.source === "submission") {
    if (signal.round <= state.statusRound) return { kind: "ignored", reason: "stale", state };
    const round = Math.max(state.round, signal.round);
    return {
      kind: "changed",
      from: state.status,
      to: KycStatus.SUBMITTED,
      state: { ...state, status: KycStatus.SUBMITTED, statusAt: signal.occurredAt, round, statusRound: signal.round },
    };
  }
  if (signal.event === "kyc.submitted") {
    // Bond's own `submitted`: news only while the latest round has no status yet.
    // After our own accepted submission (the usual order) it confirms what we know: "unchanged", not a fault.
    if (state.statusRound >= state.round && state.status !== KycStatus.NOT_STARTED)
      return { kind: "ignored", reason: state.status === to ? "unchanged" : "stale", state };
  } else if (
    to !== KycStatus.PASSED &&
    signal.occurredAtMicros !== null &&
    state.bondTimeMicros !== null &&
    signal.occurredAtMicros < state.bondTimeMicros
  ) {
    return { kind: "ignored", reason: "stale", state };
  }
  if (to === state.status && state.statusRound === state.round) {
    return { kind: "ignored", reason: "unchanged", state };
  }
  const bondTimeMicros =
    signal.occurredAtMicros === null
      ? state.bondTimeMicros
      : Math.max(state.bondTimeMicros ?? signal.occurredAtMicros, signal.occurredAtMicros);
  const statusAt = signal.occurredAt ?? state.statusAt;
  const next: KycState = {
    ...state,
    status: to,
    statusAt,
    passedAt: to === KycStatus.PASSED ? statusAt : state.passedAt,
    statusRound: state.round,
    bondTimeMicros,
  };
  if (to === state.status) return { kind: "ignored", reason: "unchanged", state: next };
  return { kind: "changed", from: state.status, to, state: next };
}

/** Whether a newer Bond event of the same status should refresh the details (documents, reasons) and the watermark. */
export function isNewerBondEvent(state: KycState, signal: KycStatusSignal): boolean {
  return (
    signal.source === "bond" &&
    signal.occurredAtMicros !== null &&
    (state.bondTimeMicros === null || signal.occurredAtMicros >= state.bondTimeMicros)
  );
}
