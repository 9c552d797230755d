/* eslint-disable max-lines -- one adapter for Bond's REST API: each call's request, retry policy and error mapping side by side */
import type { CustomerChanges, CustomerDetails } from "../domain/customer.js";
import type { CheckedKycFile, KycDocumentUpload } from "../domain/kyc-document.js";
import type { KycSubmission } from "../domain/kyc-submission.js";
import { parseBondTimeMicros, parseBondTimestamp } from "../domain/bond-webhook.js";
import { withRetries } from "./bond-retry.js";
import { parseRetryAfter, type RetrySettings } from "./retry-policy.js";

/**
 * Bond's REST API, as the application needs it. The same code talks to the embedded sandbox and to
 * Bond's real sandbox or production: only the base URL and credentials differ.
 */
export interface BondApi {
  createCustomer(details: CustomerDetails): Promise<{ customerId: string; dateCreated: Date | null }>;
  updateCustomer(customerId: string, changes: CustomerChanges): Promise<void>;
  /**
   * Starts KYC. `idempotencyKey` goes out as the `Idempotency-Key` header, the same on every retry, so
   * Bond counts the request once however many times it had to be sent.
   */
  submitKyc(customerId: string, submission: KycSubmission, idempotencyKey: string): Promise<void>;
  /** Bond's current KYC status for a customer (what a missed webhook would have told us). */
  getKycStatus(customerId: string): Promise<BondKycStatusReport>;
  /** Sends one supporting document (`POST /customers/{id}/verification-kyc/documents`). */
  uploadKycDocument(customerId: string, upload: KycDocumentUpload): Promise<{ numDocumentsSubmitted: number | null }>;
}

/**
 * `GET /customers/{id}/verification-kyc`. Bond documents a "get KYC status" read without its path or
 * body; the path and the fields below are our guess (and what our sandbox answers).
 */
export interface BondKycStatusReport {
  customerId: string;
  /** Bond's lower-case status: `submitted`, `passed`, `failed`, `under_review`, … */
  kycStatus: string;
  passedAt: Date | null;
  /** When the status last changed, if Bond says. */
  updatedAt: Date | null;
  /** The same times in microseconds, as Bond wrote them. */
  passedAtMicros: number | null;
  updatedAtMicros: number | null;
  documents: string[];
}

const bondFile = (file: CheckedKycFile) => ({ file_name: file.fileName, image: file.base64 });

/** Bond's body for one document: only the key Bond asked for. */
export function kycDocumentBody(upload: KycDocumentUpload): Record<string, unknown> {
  switch (upload.document) {
    case "government_id":
      return {
        government_id: {
          type: upload.type,
          country: upload.country,
          front_image: bondFile(upload.frontImage),
          ...(upload.backImage ? { back_image: bondFile(upload.backImage) } : {}),
        },
      };
    case "proof_of_address":
      return { proof_of_address: { type: upload.type, ...bondFile(upload.file) } };
    case "social_security_card":
      return { social_security_card: bondFile(upload.file) };
  }
}

/** Bond answered with an error (4xx/5xx that is not "unavailable"). */
export class BondRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Per-field messages from a `*_schema` 400, keyed by Bond's snake_case field names. */
    readonly fields: Record<string, string[]> | null = null,
  ) {
    super(message);
    this.name = "BondRequestError";
  }
}

/** Bond refused KYC because the customer already passed; carries the earlier success's time. */
export class BondKycAlreadyPassedError extends BondRequestError {
  /**
   * Whether this answered a repeat (a retry after a timeout, 5xx or 429) of a request Bond may already have
   * received: then the pass may be that request's own outcome. An answer to the first request cannot be.
   */
  repeatedRequest = false;
  constructor(readonly passedAt: Date) {
    super(409, "kyc_already_passed", "KYC has already passed for this customer.");
  }
}

/** Bond could not be reached or answered 5xx/429: nothing was (knowingly) done. */
export class BondUnavailableError extends Error {
  constructor(
    readonly reason: string,
    /** Bond's Retry-After (429/503), in ms from when it answered. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`Bond unavailable: ${reason}`);
    this.name = "BondUnavailableError";
  }
}

export interface BondClientOptions {
  /** Base URL up to and including `/api/v0.1`; a function because the embedded sandbox's port is known late. */
  baseUrl: string | (() => string);
  identity: string;
  authorization: string;
  timeoutMs: number;
  /** Retries of the calls that are safe to repeat (KYC with its idempotency key, reads); absent = one attempt. */
  retry?: RetrySettings;
  onRetry?(info: { operation: string; attempt: number; delayMs: number; reason: string }): void;
}

type BondErrorBody = {
  Message?: unknown;
  Status?: number;
  Code?: string;
  Type?: string;
  type?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
};

const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}[T -]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/;

/**
 * Bond documents only that a KYC call after a pass "responds with an error and returns the timestamp
 * of the previously successful KYC process"; the body is unconfirmed. We recognise our sandbox's
 * `kyc_already_passed` code, or any error that mentions a pass and carries a timestamp.
 */
export function parseAlreadyPassed(body: BondErrorBody): Date | null {
  const code = String(body.Code ?? body.code ?? "");
  const text = JSON.stringify(body);
  if (code !== "kyc_already_passed" && !/already\s+passed|kyc_passed/i.test(text)) return null;
  const stamp = (typeof body.kyc_passed_at === "string" ? body.kyc_passed_at : null) ?? text.match(ISO_TIMESTAMP)?.[0];
  if (!stamp) return null;
  const date = new Date(stamp.replace(/^(\d{4}-\d{2}-\d{2})[- ]/, "$1T"));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A JSON answer's top-level object (successful answers are read field by field); {} for anything else. */
function jsonObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An error answer's body, as parseAlreadyPassed and the error mapping read it. */
function toBondErrorBody(value: unknown): BondErrorBody {
  return jsonObject(value);
}

function fieldMessages(message: unknown): Record<string, string[]> | null {
  if (!message || typeof message !== "object" || Array.isArray(message)) return null;
  const fields: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(message as Record<string, unknown>)) {
    fields[field] = (Array.isArray(messages) ? messages : [messages]).map(String);
  }
  return fields;
}

function customerBody(details: Partial<CustomerDetails>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    first_name: details.firstName,
    middle_name: details.middleName,
    last_name: details.lastName,
    dob: details.dob,
    phone: details.phone,
    phone_country_code: details.phoneCountryCode,
    email: details.email,
    addresses: details.addresses?.map((address) => ({
      address_type: address.addressType,
      street: address.street,
      street2: address.street2 ?? undefined,
      city: address.city,
      state: address.state,
      zip_code: address.zipCode,
      country: address.country,
      is_primary: address.isPrimary,
    })),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

export function createBondClient(options: BondClientOptions): BondApi {
  const baseUrl = typeof options.baseUrl === "function" ? options.baseUrl : () => options.baseUrl as string;

  async function call(
    method: string,
    path: string,
    body: unknown,
    extraHeaders: Record<string, string> = {},
    timeoutMs = options.timeoutMs,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: {
          Identity: options.identity,
          Authorization: options.authorization,
          "Content-Type": "application/json",
          Accept: "application/json",
          ...extraHeaders,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "connection failed";
      throw new BondUnavailableError(reason);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === "TimeoutError"
          ? `no complete answer within ${timeoutMs} ms`
          : "connection lost while reading the answer";
      throw new BondUnavailableError(reason);
    }
    const parsed = parseBondBody(text);
    if (response.ok) return parsed;
    if (response.status >= 500 || response.status === 429) {
      throw new BondUnavailableError(`HTTP ${response.status}`, parseRetryAfter(response.headers.get("retry-after"), new Date()));
    }
    const error = toBondErrorBody(parsed);
    const passedAt = parseAlreadyPassed(error);
    if (passedAt) throw new BondKycAlreadyPassedError(passedAt);
    const code = String(error.Code ?? error.code ?? `http_${response.status}`);
    const message = typeof error.Message === "string" ? error.Message : String(error.message ?? `Bond answered HTTP ${response.status}`);
    throw new BondRequestError(response.status, code, message, fieldMessages(error.Message));
  }

  /** Calls that are safe to repeat go through here; a single attempt when no retry settings are given. */
  function retried<T>(operation: string, attempt: (timeoutMs: number) => Promise<T>): Promise<T> {
    if (!options.retry) return attempt(options.timeoutMs);
    return withRetries(attempt, {
      settings: options.retry,
      timeoutMs: options.timeoutMs,
      isRetryable: (error) => error instanceof BondUnavailableError,
      retryAfterMs: (error) => (error instanceof BondUnavailableError ? error.retryAfterMs : null),
      onRetry: ({ attempt: number, delayMs, error }) =>
        options.onRetry?.({ operation, attempt: number, delayMs, reason: error instanceof Error ? error.message : String(error) }),
    });
  }

  return {
    // Not retried: Bond takes no idempotency key here, so a repeat after a lost answer could create a second customer.
    async createCustomer(details) {
      const created = jsonObject(await call("POST", "/customers/", customerBody(details)));
      if (typeof created.customer_id !== "string") throw new BondRequestError(502, "bad_response", "Bond did not return a customer_id.");
      const dateCreated = typeof created.date_created === "string" ? new Date(created.date_created) : null;
      return { customerId: created.customer_id, dateCreated: dateCreated && !Number.isNaN(dateCreated.getTime()) ? dateCreated : null };
    },
    async updateCustomer(customerId, changes) {
      await call("PATCH", `/customers/${encodeURIComponent(customerId)}`, customerBody(changes));
    },
    async submitKyc(customerId, submission, idempotencyKey) {
      const body = {
        program_id: submission.programId,
        ssn: submission.ssn,
        phone: submission.phone,
        phone_country_code: submission.phoneCountryCode,
        email: submission.email,
        ip: submission.ip,
      };
      const path = `/customers/${encodeURIComponent(customerId)}/verification-kyc`;
      let requests = 0;
      await retried("submitKyc", async (timeoutMs) => {
        requests += 1;
        try {
          return await call("POST", path, body, { "Idempotency-Key": idempotencyKey }, timeoutMs);
        } catch (error) {
          if (error instanceof BondKycAlreadyPassedError) error.repeatedRequest = requests > 1;
          throw error;
        }
      });
    },
    async getKycStatus(customerId) {
      const path = `/customers/${encodeURIComponent(customerId)}/verification-kyc`;
      const report = jsonObject(await retried("getKycStatus", (timeoutMs) => call("GET", path, undefined, {}, timeoutMs)));
      if (typeof report.kyc_status !== "string") throw new BondRequestError(502, "bad_response", "Bond did not return a kyc_status.");
      const date = (value: unknown) => (typeof value === "string" ? parseBondTimestamp(value) : null);
      const micros = (value: unknown) => (typeof value === "string" ? parseBondTimeMicros(value) : null);
      return {
        customerId,
        kycStatus: report.kyc_status,
        passedAt: date(report.kyc_passed_at),
        updatedAt: date(report.updated_at),
        passedAtMicros: micros(report.kyc_passed_at),
        updatedAtMicros: micros(report.updated_at),
        documents: Array.isArray(report.documents) ? report.documents.map(String) : [],
      };
    },
    async uploadKycDocument(customerId, upload) {
      const answer = jsonObject(
        await call("POST", `/customers/${encodeURIComponent(customerId)}/verification-kyc/documents`, kycDocumentBody(upload)),
      );
      return { numDocumentsSubmitted: typeof answer.num_documents_submitted === "number" ? answer.num_documents_submitted : null };
    },
  };
}

/** Bond's answer body as JSON, or null when it is empty or not JSON (the status code then speaks alone). */
export function parseBondBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
