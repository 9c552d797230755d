/**
 * Errors the domain promises to callers. Adapters map each to a client-facing code
 * (GraphQL `extensions.code`, REST `code`); the `code` here is that public code.
 */
export type FieldErrors = Record<string, string[]>;

export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** Extra, safe-to-show facts for the client (never personal data). */
  readonly details: Record<string, unknown> = {};
}

export class ValidationFailed extends DomainError {
  readonly code = "BAD_USER_INPUT";
  constructor(
    readonly fields: FieldErrors,
    message = "Some fields are missing or ill-formed.",
  ) {
    super(message);
    this.details.fields = fields;
  }
}

export class CustomerNotFound extends DomainError {
  readonly code = "CUSTOMER_NOT_FOUND";
  constructor(readonly customerId: string) {
    super(`No customer with id ${customerId}.`);
    this.details.customerId = customerId;
  }
}

export class KycAlreadyPassed extends DomainError {
  readonly code = "KYC_ALREADY_PASSED";
  constructor(readonly passedAt: Date) {
    super(`KYC already passed for this customer at ${passedAt.toISOString()}; no further KYC attempts are allowed.`);
    this.details.passedAt = passedAt.toISOString();
  }
}

export class KycInProgress extends DomainError {
  readonly code = "KYC_IN_PROGRESS";
  constructor(readonly status: string) {
    super(`A KYC verification is already in progress for this customer (status ${status}); wait for its outcome.`);
    this.details.status = status;
  }
}

export class CustomerLocked extends DomainError {
  readonly code = "CUSTOMER_LOCKED";
  constructor(readonly passedAt: Date) {
    super("This customer has passed KYC; their details can no longer be updated (contact Bond to change them).");
    this.details.passedAt = passedAt.toISOString();
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  constructor() {
    super("This idempotency key was already used with different input in the last 24 hours.");
  }
}

export class IdempotencyKeyInFlight extends DomainError {
  readonly code = "IDEMPOTENCY_KEY_IN_FLIGHT";
  constructor() {
    super("A request with this idempotency key is still being processed; retry shortly.");
  }
}

/** Bond refused the request for a reason that is not the client's input. */
export class UpstreamRejected extends DomainError {
  readonly code = "UPSTREAM_REJECTED";
  constructor(
    readonly bondCode: string,
    message: string,
  ) {
    super(`Bond refused the request (${bondCode}): ${message}`);
    this.details.bondCode = bondCode;
  }
}

export class UpstreamUnavailable extends DomainError {
  readonly code = "UPSTREAM_UNAVAILABLE";
  constructor(reason: string) {
    super(`Bond could not be reached (${reason}); the attempt was not sent and can be retried with the same idempotency key.`);
  }
}

/** Our own storage cannot be reached: nothing was changed; the same request may be sent again shortly. */
export class ServiceUnavailable extends DomainError {
  readonly code = "SERVICE_UNAVAILABLE";
  constructor() {
    super("The service cannot reach its database right now; nothing was changed. Retry shortly.");
  }
}

/** No credentials, or credentials that do not check out (bad signature, expired, wrong issuer/audience). */
export class Unauthenticated extends DomainError {
  readonly code = "UNAUTHENTICATED";
  constructor(reason: string) {
    super(`Authentication required: ${reason}`);
  }
}

/** Valid credentials that do not allow this operation (another customer's record, a service-only operation). */
export class Forbidden extends DomainError {
  readonly code = "FORBIDDEN";
  constructor(message: string) {
    super(message);
  }
}

export class RateLimited extends DomainError {
  readonly code = "RATE_LIMITED";
  constructor(retryAfterSeconds: number, what: string) {
    super(`Too many ${what}; retry in ${retryAfterSeconds} s.`);
    this.details.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A document upload Bond has not asked for (the customer is not DOCUMENT_REQUIRED, or not for this document). */
export class KycDocumentNotRequired extends DomainError {
  readonly code = "DOCUMENT_NOT_REQUIRED";
  constructor(
    readonly document: string,
    readonly status: string,
    readonly documentsRequired: string[],
  ) {
    super(
      documentsRequired.length === 0
        ? `Bond has not asked this customer for documents (KYC status ${status}).`
        : `Bond has not asked this customer for ${document}; it still needs: ${documentsRequired.join(", ")}.`,
    );
    this.details.status = status;
    this.details.documentsRequired = documentsRequired;
  }
}

/** Bond names fields in snake_case; our clients know the GraphQL (camelCase) names. */
export function camelCaseFields(fields: Record<string, string[]>): FieldErrors {
  return Object.fromEntries(
    Object.entries(fields).map(([field, messages]) => [field.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase()), messages]),
  );
}
