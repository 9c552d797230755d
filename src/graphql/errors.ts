import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import type { MiddlewareFn } from "type-graphql";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import { DomainError, ServiceUnavailable } from "../domain/errors.js";
import { MISSING } from "../domain/validation.js";

/** The codes clients can rely on; anything else is masked as INTERNAL_SERVER_ERROR. */
const HTTP_STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  CUSTOMER_NOT_FOUND: 404,
  KYC_ALREADY_PASSED: 409,
  KYC_IN_PROGRESS: 409,
  CUSTOMER_LOCKED: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  UPSTREAM_REJECTED: 502,
  UPSTREAM_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  DOCUMENT_NOT_REQUIRED: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  TOO_MANY_SUBSCRIPTIONS: 429,
};

/** Codes that set the HTTP status of the whole response (the request as a whole cannot go on). */
const RESPONSE_STATUS_CODES = new Set(["UNAUTHENTICATED", "RATE_LIMITED"]);

export function toGraphQLError(error: DomainError): GraphQLError {
  // Apollo applies `extensions.http` to the HTTP response and keeps it out of the body.
  const retryAfter = error.details.retryAfterSeconds;
  const http = RESPONSE_STATUS_CODES.has(error.code)
    ? { status: HTTP_STATUS[error.code], headers: new Map(retryAfter ? [["retry-after", String(retryAfter)]] : []) }
    : undefined;
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, ...error.details, ...(http && { http }) } });
}

/** The domain error behind a resolver error, whether thrown as is or already turned into a GraphQLError. */
function domainErrorBehind(error: unknown): DomainError | undefined {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof DomainError) return original.originalError;
  // A database outage is not a bug: the client gets a code it can retry on.
  if (isDatabaseUnavailable(original) || (original instanceof GraphQLError && isDatabaseUnavailable(original.originalError))) return new ServiceUnavailable();
  return undefined;
}

/** Turns domain errors thrown by any resolver into GraphQL errors with their public code. */
export function domainErrorsToGraphQL(): MiddlewareFn {
  return async (_action, next) => {
    try {
      return await next();
    } catch (error) {
      if (error instanceof DomainError) throw toGraphQLError(error);
      throw error;
    }
  };
}

/**
 * graphql-js quotes submitted values in its coercion, validation and syntax messages ("got invalid value
 * 521447318", "cannot represent a non string value: …", 'found String "…"'); those values may be an SSN.
 * Keep the reason, drop the value; and, belt and braces, any long run of digits.
 */
export function withoutSubmittedValues(message: string): string {
  return message
    .replace(/got invalid value .*?;/s, "got invalid value;")
    .replace(/(cannot represent[^:]*): .*$/s, "$1.")
    .replace(/(Expected value of type "[^"]+"), found .*$/s, "$1, found a value of another type.")
    .replace(/\b(String|BlockString|Int|Float) "(?:[^"\\]|\\.)*"/g, "$1")
    .replace(/\d[\d\s().-]{3,}\d/g, "[redacted]");
}

const MISSING_VARIABLE_FIELD = /Field "([^"]+)" of required type "[^"]+" was not provided/;

/**
 * Last stop before an error reaches a client: known codes pass; a missing input field found by
 * GraphQL itself gets the same per-field map our validation gives; anything unexpected is logged and
 * replaced by a generic message, so internals (and any data in them) never leak.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const domainError = domainErrorBehind(error);
    if (domainError) return { ...formatted, message: domainError.message, extensions: { code: domainError.code, ...domainError.details } };
    const original = unwrapResolverError(error);
    if (code === "BAD_USER_INPUT" || code === "GRAPHQL_VALIDATION_FAILED" || code === "GRAPHQL_PARSE_FAILED" || code === "BAD_REQUEST") {
      const missing = MISSING_VARIABLE_FIELD.exec(formatted.message);
      const fields = missing ? { [missing[1].split(".").pop()!]: [MISSING] } : undefined;
      const message = withoutSubmittedValues(formatted.message);
      return { message, locations: formatted.locations, path: formatted.path, extensions: { code: code === "GRAPHQL_VALIDATION_FAILED" && missing ? "BAD_USER_INPUT" : code, ...(fields && { fields }) } };
    }
    if (typeof code === "string" && (code in HTTP_STATUS || code === "PERSISTED_QUERY_NOT_FOUND" || code === "PERSISTED_QUERY_NOT_SUPPORTED" || code === "TRUSTED_DOCUMENT_REQUIRED" || code === "TRUSTED_DOCUMENT_NOT_FOUND" || code === "OPERATION_RESOLUTION_FAILURE")) return formatted;
    logger.error({ err: original instanceof Error ? { name: original.name, message: original.message, stack: original.stack } : String(original), path: formatted.path }, "unexpected GraphQL error");
    return { message: "Internal server error.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

export { HTTP_STATUS };
