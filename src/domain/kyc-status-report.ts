import type { BondKycEvent } from "./bond-webhook.js";
import type { BondKycEventName } from "./kyc-status.js";

/** Bond's answer to "what is this customer's KYC status?" (the read behind a missed webhook). */
export interface KycStatusReport {
  customerId: string;
  /** Bond's lower-case status name. */
  kycStatus: string;
  passedAt: Date | null;
  updatedAt: Date | null;
  /** The same times in microseconds, as Bond wrote them (null when absent). */
  passedAtMicros: number | null;
  updatedAtMicros: number | null;
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
 * (stored once, state machine, published). Dated only with Bond's own clock: when Bond says the status
 * changed (the pass time for a pass), so the late webhook, if it ever comes, is a duplicate. Without a
 * time from Bond it carries none (never our clock, which must not be compared with Bond's): it then
 * stands for Bond's current status of the latest round.
 */
export function eventFromStatusReport(report: KycStatusReport): BondKycEvent | null {
  const event = EVENT_FOR_STATUS[report.kycStatus.toLowerCase()];
  if (!event) return null;
  const passTime = event === "kyc.verification.success" && report.passedAt ? { at: report.passedAt, micros: report.passedAtMicros } : null;
  const time = passTime ?? (report.updatedAt ? { at: report.updatedAt, micros: report.updatedAtMicros } : null);
  return {
    event,
    customerId: report.customerId,
    occurredAt: time?.at ?? null,
    occurredAtMicros: time ? (time.micros ?? time.at.getTime() * 1000) : null,
    documents: event === "kyc.verification.document_required" ? report.documents : [],
    // A status read carries no failure reasons or fields to fix (Bond's webhook would).
    failureReasons: null,
    incorrectInformation: [],
    payload: {
      source: "status-read",
      kyc_status: report.kycStatus,
      ...(report.documents.length > 0 ? { documents: report.documents } : {}),
    },
  };
}
