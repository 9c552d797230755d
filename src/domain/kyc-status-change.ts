import type { BondKycEvent, KycFailureReasons } from "./bond-webhook.js";
import { attemptStatusFor, type KycAttemptStatus } from "./kyc-attempt.js";
import { applyKycSignal, isNewerBondEvent, KycStatus, type KycState, type KycStatusSignal, type KycTransition } from "./kyc-status.js";

/** The details a status keeps from the event behind it (documents asked for, failure reasons, fields to fix). */
export interface KycDetails {
  documentsRequired: string[];
  failureReasons: KycFailureReasons | null;
  incorrectInformation: string[];
}

/** The part of a Bond webhook that carries details; null for a signal without a webhook (our submission, a pass Bond reported in an error). */
export type KycEventDetails = Pick<BondKycEvent, "documents" | "failureReasons" | "incorrectInformation"> | null;

/** The details a status keeps from the event behind it; other statuses keep none. */
export function kycDetailsFor(status: KycStatus, event: KycEventDetails): KycDetails {
  return {
    documentsRequired: status === KycStatus.DOCUMENT_REQUIRED ? (event?.documents ?? []) : [],
    failureReasons: status === KycStatus.FAILED ? (event?.failureReasons ?? null) : null,
    incorrectInformation: status === KycStatus.REENTER_INFORMATION ? (event?.incorrectInformation ?? []) : [],
  };
}

/** What to write on the customer for one signal. */
export type KycSave =
  /** A new status: the whole state, the event that set it and its details. */
  | { kind: "status"; state: KycState; event: string; details: KycDetails }
  /** The same status again from a newer Bond event: its details replace the current ones, and its time becomes the latest applied. */
  | { kind: "details"; state: KycState; details: KycDetails };

/** Everything a signal decides: the transition, what to save, and what happens to the round's attempt. */
export interface KycStatusDecision {
  transition: KycTransition;
  /** What the signal did, as stored with a webhook and answered to Bond. */
  outcome: "changed" | "already-passed" | "stale" | "unchanged";
  save: KycSave | null;
  /** The status the round's accepted attempt takes; null when the status did not change. */
  attemptStatus: KycAttemptStatus | null;
  /** Whether the attempt's program becomes the customer's passed program. */
  recordsPass: boolean;
}

/**
 * Decides what a signal does (pure; the caller saves and announces): the state machine's transition
 * (applyKycSignal), plus the rule that a newer Bond event with the same status (Bond asks for documents
 * again, or fails a later round too) refreshes the details without changing the status. A pass is final:
 * nothing refreshes it.
 */
export function decideKycChange(state: KycState, signal: KycStatusSignal, event: KycEventDetails): KycStatusDecision {
  const transition = applyKycSignal(state, signal);
  if (transition.kind === "changed") {
    return {
      transition,
      outcome: "changed",
      save: { kind: "status", state: transition.state, event: signal.event, details: kycDetailsFor(transition.to, event) },
      attemptStatus: attemptStatusFor(transition.to),
      recordsPass: transition.to === KycStatus.PASSED,
    };
  }
  const refreshes =
    transition.reason === "unchanged" &&
    transition.state.status !== KycStatus.PASSED &&
    (isNewerBondEvent(state, signal) || transition.state.statusRound !== state.statusRound);
  return {
    transition,
    outcome: transition.reason,
    save: refreshes ? { kind: "details", state: transition.state, details: kycDetailsFor(transition.state.status, event) } : null,
    attemptStatus: null,
    recordsPass: false,
  };
}
