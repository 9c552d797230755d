import type { BondKycEvent } from "./bond-webhook.js";
import type { BondKycEventName } from "./kyc-status.js";

/** Bond's answer to "what is this customer's KYC status?" (the read behind a missed webhook). */
export interface KycStatusReport {
  customerId: string;
  /** Bond's lower-case status name. */
  kycStatus: string;
  passedAt: Date | null;
  updatedAt: Date | null;
  documents: string[];
}

/** The webhook each reported status stands for; `submitted` and `not_started` tell us nothing new. */
const EVENT_FOR_STATUS: Record<string, BondKycEventName> = {
  passed: "kyc.verification.success",
  failed: "kyc.verification.failure",
  error: "kyc.verification.error",
  timeout: "kyc.verification.timeout",
  document_required: "kyc.verification.document_required",
  under_review: "kyc.verification.under_review",
  reenter_information: "kyc.verification.reenter_information",
};

/**
 * Turns a status read into the event a webhook would have carried, so it goes through the same path
 * (stored once, state machine, published). Dated when Bond says the status changed (the pass time for
 * a pass), else `observedAt`; with Bond's own time the late webhook, if it ever comes, is a duplicate.
 */
export function eventFromStatusReport(report: KycStatusReport, observedAt: Date): BondKycEvent | null {
  const event = EVENT_FOR_STATUS[report.kycStatus.toLowerCase()];
  if (!event) return null;
  const occurredAt = (event === "kyc.verification.success" ? report.passedAt : null) ?? report.updatedAt ?? observedAt;
  return {
    event,
    customerId: report.customerId,
    occurredAt,
    documents: event === "kyc.verification.document_required" ? report.documents : [],
    // A status read carries no failure reasons or fields to fix (Bond's webhook would).
    failureReasons: null,
    incorrectInformation: [],
    payload: { source: "status-read", kyc_status: report.kycStatus, ...(report.documents.length > 0 ? { documents: report.documents } : {}) },
  };
}
