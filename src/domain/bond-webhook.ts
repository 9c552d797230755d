import { z } from "zod";
import { ValidationFailed, type FieldErrors } from "./errors.js";
import { type BondKycEventName, isBondKycEventName } from "./kyc-status.js";

/** A KYC webhook from Bond, parsed and checked. */
export interface BondKycEvent {
  event: BondKycEventName;
  customerId: string;
  /** Null for the `{customer_id, kyc_status: "submitted"}` webhook, which carries no time. */
  occurredAt: Date | null;
  /** `occurred_at` in microseconds since the epoch (Bond writes six fractional digits; a Date keeps three). */
  occurredAtMicros: number | null;
  /** Documents Bond asks for (`kyc.verification.document_required`). */
  documents: string[];
  /** Which checks passed or failed (`kyc.verification.failure`'s `reasons`); null when Bond gives none. */
  failureReasons: KycFailureReasons | null;
  /** Fields Bond found wrong (`kyc.verification.reenter_information`'s `incorrect_information`). */
  incorrectInformation: string[];
  /** The body as stored: only Bond's documented fields (`documentedFields()`), each in its documented form. */
  payload: Record<string, unknown>;
}

/** Why a well-formed, well-signed webhook changes nothing here. */
export type IgnoredEventReason = "unknown-event" | "unmapped-status";

/**
 * A webhook this API does not act on: an event name it does not handle, or `kyc.verification.status`
 * with a value it cannot map. Answered 2xx (Bond would retry anything else for days), stored as ignored.
 */
export class UnsupportedBondEvent extends Error {
  readonly code = "UNSUPPORTED_EVENT";
  constructor(
    readonly event: string,
    readonly reason: IgnoredEventReason = "unknown-event",
    /** The body's `customer_id` when it is a UUID, else null. */
    readonly customerId: string | null = null,
    /** The body without personal data. */
    readonly payload: Record<string, unknown> = {},
  ) {
    super(`Event ${JSON.stringify(event).slice(0, 80)} is not a KYC event this API handles.`);
  }
}

/** The event Bond's "Know your customer" page names: `kyc.verification.status` with a passed/failed value. */
export const KYC_VERIFICATION_STATUS_EVENT = "kyc.verification.status";

/**
 * What `kyc.verification.status` means. Bond documents the name and its passed/failed values but not the
 * field that carries the value: we read `status`, then `kyc_status`, then `result` (our assumption).
 */
function eventForVerificationStatus(record: Record<string, unknown>): BondKycEventName | null {
  const value = [record.status, record.kyc_status, record.result].find((item) => typeof item === "string");
  const normalised = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (normalised === "passed") return "kyc.verification.success";
  if (normalised === "failed") return "kyc.verification.failure";
  return null;
}

function isVerificationStatusValue(value: unknown): boolean {
  return typeof value === "string" && ["passed", "failed"].includes(value.trim().toLowerCase());
}

/**
 * Bond writes `occurred_at` as `2021-02-02-00:50:58.484840+00:00` (a dash between date and time);
 * accept that and ISO 8601.
 */
export function parseBondTimestamp(value: string): Date | null {
  const iso = value.trim().replace(/^(\d{4}-\d{2}-\d{2})[-T ](\d{2}:)/, "$1T$2");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Bond's timestamp as microseconds since the epoch, keeping every fractional digit up to the sixth
 * (a JavaScript Date would drop the last three: two events in the same millisecond would look equal).
 * Accepts what `parseBondTimestamp` accepts; null otherwise. Exact as a number until the year 2255.
 */
export function parseBondTimeMicros(value: string): number | null {
  const iso = value.trim().replace(/^(\d{4}-\d{2}-\d{2})[-T ](\d{2}:)/, "$1T$2");
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(iso);
  if (!match || !parseBondTimestamp(value)) return null;
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone, sign, zoneHours, zoneMinutes] = match;
  const offsetMinutes = zone === "Z" ? 0 : (sign === "-" ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const wholeSeconds =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) - offsetMinutes * 60_000;
  return wholeSeconds * 1000 + Number(fraction.slice(0, 6).padEnd(6, "0"));
}

/** Microseconds since the epoch as ISO 8601 with six fractional digits (`2021-02-02T00:50:58.484840Z`). */
export function formatMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  return `${new Date(millis).toISOString().slice(0, 19)}.${String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, "0")}Z`;
}

/** The checks Bond reports on a failure (`reasons: {ofac, bureau, mobile, ip, email}`), each passed or failed. */
export const KYC_CHECKS = ["ofac", "bureau", "mobile", "ip", "email"] as const;
export type KycCheck = (typeof KYC_CHECKS)[number];
export type KycFailureReasons = Partial<Record<KycCheck, "passed" | "failed">>;

/**
 * Reads `reasons` leniently: known checks with a passed/failed value are kept, anything else is dropped.
 * Refusing the webhook instead would make Bond retry for days and hold back the FAILED status.
 */
export function parseFailureReasons(value: unknown): KycFailureReasons | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const reasons: KycFailureReasons = {};
  for (const check of KYC_CHECKS) {
    const raw = (value as Record<string, unknown>)[check];
    const result = typeof raw === "string" ? raw.toLowerCase() : "";
    if (result === "passed" || result === "failed") reasons[check] = result;
  }
  return Object.keys(reasons).length > 0 ? reasons : null;
}

/** Field names only (`phone`, `addresses.0.zip_code`): anything else could be a value, i.e. personal data. */
export function parseIncorrectInformation(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === "string" && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(item)).slice(0, 20);
}

const customerId = z.guid("must be a UUID");
const DOCUMENT_NAMES = ["government_id", "proof_of_address", "social_security_card"] as const;
const documentName = z.enum(DOCUMENT_NAMES);
/** What `customerId` accepts (zod's guid pattern), and `documentName`: checked by hand on every webhook (zod explains a refusal). */
const GUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const isGuid = (value: unknown): value is string => typeof value === "string" && GUID.test(value);
const isDocumentName = (value: unknown): value is (typeof DOCUMENT_NAMES)[number] =>
  typeof value === "string" && (DOCUMENT_NAMES as readonly string[]).includes(value);

const submittedBody = z.object({ customer_id: customerId, kyc_status: z.literal("submitted") });
const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

const eventBody = z.object({
  event: z.string().regex(EVENT_NAME, "Not an event name."),
  customer_id: customerId,
  occurred_at: z.string().max(64),
  documents: z.array(documentName).max(10).optional(),
});

/**
 * The fields Bond documents for its KYC webhooks (/work/shared/bond-api-notes.md, "Webhook events"), each
 * with how its stored value is read. The stored payload is this allow-list, so a field Bond might add
 * (`social_security_number`, a free-text note, anything) is dropped before storage, whatever its name.
 */
const DOCUMENTED_FIELDS: Record<string, (value: unknown) => unknown> = {
  event: (value) =>
    typeof value === "string" && (isBondKycEventName(value) || value === KYC_VERIFICATION_STATUS_EVENT) ? value : undefined,
  customer_id: (value) => (isGuid(value) ? value : undefined),
  occurred_at: (value) => (typeof value === "string" && value.length <= 64 && parseBondTimestamp(value) ? value : undefined),
  kyc_status: (value) => (value === "submitted" || isVerificationStatusValue(value) ? value : undefined),
  // `kyc.verification.status`'s value (its field is our assumption, see eventForVerificationStatus): passed/failed only.
  status: (value) => (isVerificationStatusValue(value) ? value : undefined),
  result: (value) => (isVerificationStatusValue(value) ? value : undefined),
  documents: (value) => (Array.isArray(value) ? value.filter(isDocumentName).slice(0, 10) : undefined),
  // `reasons.ip` and `reasons.email` are check results, not addresses: only passed/failed per known check.
  reasons: (value) => parseFailureReasons(value) ?? undefined,
  incorrect_information: (value) => (Array.isArray(value) ? parseIncorrectInformation(value) : undefined),
};

/** The names of the webhook fields Bond documents: the only ones a stored payload may hold. */
export function documentedFields(): string[] {
  return Object.keys(DOCUMENTED_FIELDS);
}

/** The body as stored: Bond's documented fields, each in its documented form; everything else dropped. */
function storedPayload(body: Record<string, unknown>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [field, read] of Object.entries(DOCUMENTED_FIELDS)) {
    if (!Object.hasOwn(body, field)) continue;
    const value = read(body[field]);
    if (value !== undefined) payload[field] = value;
  }
  return payload;
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "body";
    const message = issue.code === "invalid_type" && issue.input === undefined ? "Missing data for required field." : issue.message;
    (fields[key] ??= []).push(message);
  }
  return fields;
}

/** `eventBody`'s checks by hand, for the body that passes them (the common case); null sends it to zod, which says what is wrong. */
function wellFormedEvent(record: Record<string, unknown>): { success: true; data: z.infer<typeof eventBody> } | null {
  const { event, customer_id, occurred_at, documents } = record;
  if (typeof event !== "string" || !EVENT_NAME.test(event) || !isGuid(customer_id)) return null;
  if (typeof occurred_at !== "string" || occurred_at.length > 64) return null;
  if (documents !== undefined && !(Array.isArray(documents) && documents.length <= 10 && documents.every(isDocumentName))) return null;
  return { success: true, data: { event, customer_id, occurred_at, ...(documents !== undefined && { documents }) } };
}

/**
 * Turns a webhook body into a `BondKycEvent`. Throws `ValidationFailed` (with per-field messages) for a
 * malformed body, `UnsupportedBondEvent` for a well-formed event this API does not handle.
 */
export function parseBondWebhook(body: unknown): BondKycEvent {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationFailed({ body: ["Expected a JSON object."] }, "Webhook body must be a JSON object.");
  }
  const record = body as Record<string, unknown>;
  if (!("event" in record) && "kyc_status" in record) {
    const parsed = submittedBody.safeParse(record);
    if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error), "Malformed KYC webhook.");
    const occurredAt = typeof record.occurred_at === "string" ? parseBondTimestamp(record.occurred_at) : null;
    const occurredAtMicros = occurredAt ? parseBondTimeMicros(record.occurred_at as string) : null;
    return {
      event: "kyc.submitted",
      customerId: parsed.data.customer_id,
      occurredAt,
      occurredAtMicros,
      documents: [],
      failureReasons: null,
      incorrectInformation: [],
      payload: storedPayload(record),
    };
  }
  // An event we do not act on is recognised before the body is checked: its shape is not ours to judge.
  // A name must look like one (Bond's are dotted words): an empty or garbled `event` is a malformed body (400).
  const name = typeof record.event === "string" && EVENT_NAME.test(record.event) ? record.event : null;
  const ignored = (reason: IgnoredEventReason) =>
    new UnsupportedBondEvent(
      name!.slice(0, 100),
      reason,
      customerId.safeParse(record.customer_id).success ? (record.customer_id as string) : null,
      storedPayload(record),
    );
  if (name !== null && name !== KYC_VERIFICATION_STATUS_EVENT && (!isBondKycEventName(name) || name === "kyc.submitted"))
    throw ignored("unknown-event");
  const mapped = name === KYC_VERIFICATION_STATUS_EVENT ? eventForVerificationStatus(record) : null;
  if (name === KYC_VERIFICATION_STATUS_EVENT && !mapped) throw ignored("unmapped-status");
  const parsed = wellFormedEvent(record) ?? eventBody.safeParse(record);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error), "Malformed KYC webhook.");
  const { customer_id, occurred_at, documents } = parsed.data;
  const event = mapped ?? parsed.data.event;
  const occurredAt = parseBondTimestamp(occurred_at);
  if (!occurredAt) throw new ValidationFailed({ occurred_at: ["Not a timestamp."] }, "Malformed KYC webhook.");
  if (!isBondKycEventName(event) || event === "kyc.submitted") throw ignored("unknown-event");
  if (event === "kyc.verification.document_required" && !documents?.length) {
    throw new ValidationFailed({ documents: ["Missing data for required field."] }, "Malformed KYC webhook.");
  }
  const failureReasons = event === "kyc.verification.failure" ? parseFailureReasons(record.reasons) : null;
  const payload = storedPayload(record);
  return {
    event,
    customerId: customer_id,
    occurredAt,
    occurredAtMicros: parseBondTimeMicros(occurred_at),
    documents: documents ?? [],
    failureReasons,
    incorrectInformation: event === "kyc.verification.reenter_information" ? parseIncorrectInformation(record.incorrect_information) : [],
    payload,
  };
}

/**
 * Bond sends no event id: a delivery is the same event when customer, event and time (to the
 * microsecond) match. An event without a time (Bond's `submitted` webhook, a status read without one)
 * is the same event only within one round: the `submitted` of a later round is a new event.
 */
export function bondEventIdentity(event: Pick<BondKycEvent, "customerId" | "event" | "occurredAtMicros">, round: number): string {
  return `${event.customerId}|${event.event}|${event.occurredAtMicros === null ? `round:${round}` : formatMicros(event.occurredAtMicros)}`;
}

/**
 * What of a stored webhook may be shown to operators: an allow-list of Bond's documented detail fields
 * (documents asked for, failure reasons, names of fields to fix). Nothing else of the payload is shown,
 * so an unexpected personal field Bond might add can never reach a dashboard.
 */
export function publicEventDetails(payload: Record<string, unknown>): {
  documents: string[];
  failureReasons: KycFailureReasons | null;
  incorrectInformation: string[];
} {
  const documents = Array.isArray(payload.documents)
    ? payload.documents.filter((item): item is string => documentName.safeParse(item).success)
    : [];
  return {
    documents,
    failureReasons: parseFailureReasons(payload.reasons),
    incorrectInformation: parseIncorrectInformation(payload.incorrect_information),
  };
}
