/**
 * What Bond's sandbox decides: which KYC event follows a submission, and how Bond writes the time of
 * an event. Kept apart from the HTTP code so the table of test values is easy to read and change.
 */

/** Bond's seven KYC outcome events (the `submitted` webhook has no `event` and is not one of them). */
export const KYC_EVENTS = [
  "kyc.verification.success",
  "kyc.verification.failure",
  "kyc.verification.error",
  "kyc.verification.timeout",
  "kyc.verification.document_required",
  "kyc.verification.under_review",
  "kyc.verification.reenter_information",
] as const;

export type KycEventName = (typeof KYC_EVENTS)[number];

/** The values of `kyc_status` in `GET /customers/{id}/verification-kyc`. */
export type KycStatusName =
  "not_started" | "submitted" | "under_review" | "document_required" | "reenter_information" | "passed" | "failed" | "timeout" | "error";

export const STATUS_AFTER_EVENT: Record<KycEventName, KycStatusName> = {
  "kyc.verification.success": "passed",
  "kyc.verification.failure": "failed",
  "kyc.verification.error": "error",
  "kyc.verification.timeout": "timeout",
  "kyc.verification.document_required": "document_required",
  "kyc.verification.under_review": "under_review",
  "kyc.verification.reenter_information": "reenter_information",
};

export type DocumentName = "government_id" | "proof_of_address" | "social_security_card";

/** An outcome event, minus `customer_id` and `occurred_at` (filled in when it is sent). */
export interface KycOutcome {
  event: KycEventName;
  extra: Record<string, unknown>;
}

/** The failure reasons `POST /simulate/kyc-fail` sends when the caller gives none. */
export const DEFAULT_FAILURE_REASONS = { ofac: "passed", bureau: "failed", mobile: "passed", ip: "passed", email: "passed" } as const;

const documentsRequired = (documents: DocumentName[]): KycOutcome => ({
  event: "kyc.verification.document_required",
  extra: { documents },
});

/** Bond's documented sandbox test SSNs (digits only) and the outcome each one produces. */
const OUTCOME_BY_TEST_SSN: Record<string, KycOutcome> = {
  "000000000": { event: "kyc.verification.under_review", extra: {} },
  "111111111": documentsRequired(["social_security_card", "government_id"]),
  "222222222": documentsRequired(["government_id", "proof_of_address"]),
  "333333333": documentsRequired(["government_id"]),
  "444444444": documentsRequired(["government_id", "proof_of_address", "social_security_card"]),
  "888888888": { event: "kyc.verification.timeout", extra: {} },
};

/** What follows `under_review` once every document asked for is in. Bond's docs say only "then the outcome"; ours passes. */
export const OUTCOME_AFTER_DOCUMENT_REVIEW: KycOutcome = { event: "kyc.verification.success", extra: {} };

/** Any SSN that is not a test value passes, as in Bond's sandbox. Dashes do not matter. */
export function outcomeForSsn(ssn: string): KycOutcome {
  const outcome = OUTCOME_BY_TEST_SSN[ssn.replace(/\D/g, "")];
  return outcome ? { event: outcome.event, extra: structuredClone(outcome.extra) } : { event: "kyc.verification.success", extra: {} };
}

/**
 * Bond's documented `occurred_at` format: `2021-02-02-00:50:58.484840+00:00` — the date, a dash (not
 * `T`), the UTC time with six fractional digits, and `+00:00`. A Date has milliseconds only, so the
 * last three digits are zeros.
 */
export function bondTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2021-02-02T00:50:58.484Z
  return `${iso.slice(0, 10)}-${iso.slice(11, 23)}000+00:00`;
}
