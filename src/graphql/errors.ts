import type { GraphQLFormattedError } from "graphql";
import { GraphQLError, Kind } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import type { MiddlewareFn } from "type-graphql";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";
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
  const retryAfter = typeof error.details.retryAfterSeconds === "number" ? error.details.retryAfterSeconds : undefined;
  const http = RESPONSE_STATUS_CODES.has(error.code)
    ? { status: HTTP_STATUS[error.code], headers: new Map(retryAfter ? [["retry-after", String(retryAfter)]] : []) }
    : undefined;
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details, ...(http && { http }) },
  });
}

/** The domain error behind a resolver error, whether thrown as is or already turned into a GraphQLError. */
function domainErrorBehind(error: unknown): DomainError | undefined {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof DomainError) return original.originalError;
  // A database outage is not a bug: the client gets a code it can retry on.
  if (isDatabaseUnavailable(original) || (original instanceof GraphQLError && isDatabaseUnavailable(original.originalError)))
    return new ServiceUnavailable();
  return undefined;
}

/** Turns domain errors thrown by any resolver into GraphQL errors with their public code. */
export function domainErrorsToGraphQL(): MiddlewareFn {
  // A then rather than an async function with await: one promise less on every operation.
  const translate = (error: unknown) => {
    throw error instanceof DomainError ? toGraphQLError(error) : error;
  };
  return (_action, next) => next().then(undefined, translate);
}

/**
 * The end of the value graphql-js prints after "got invalid value " (its `inspect`: strings JSON-quoted,
 * so a quote inside a value is escaped): the first `; ` or ` at "` outside a quoted string.
 */
function endOfPrintedValue(message: string, start: number): number {
  let inString = false;
  for (let index = start; index < message.length; index += 1) {
    const char = message[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (message.startsWith("; ", index) || message.startsWith(' at "', index)) return index;
  }
  return message.length;
}

/**
 * graphql-js quotes submitted values in its coercion, validation and syntax messages ("got invalid value
 * { …ssn: "…" }", "cannot represent a non string value: …", 'found String "…"', 'Value "…" does not exist
 * in "…" enum'); those values may be an SSN. Keep the reason, drop the value; and, belt and braces, any
 * long run of digits.
 */
export function withoutSubmittedValues(message: string): string {
  const marker = "got invalid value ";
  const at = message.indexOf(marker);
  if (at >= 0) {
    const start = at + marker.length;
    message = `${message.slice(0, start).trimEnd()}${message.slice(endOfPrintedValue(message, start))}`;
  }
  return message
    .replace(/(cannot represent[^:]*): .*$/s, "$1.")
    .replace(/(Expected value of type "[^"]+"), found .*$/s, "$1, found a value of another type.")
    .replace(/\bValue "(?:[^"\\]|\\.)*" does not exist in/g, "Value does not exist in")
    .replace(/\b(String|BlockString|Int|Float) "(?:[^"\\]|\\.)*"/g, "$1")
    .replace(/\d[\d\s().-]{3,}\d/g, "[redacted]");
}

/** What may be logged of an error: its name, and its message and stack without submitted values. */
export function logSafeError(error: unknown): { name: string; message: string; stack?: string } | string {
  if (!(error instanceof Error)) return withoutSubmittedValues(String(error));
  return { name: error.name, message: withoutSubmittedValues(error.message), stack: error.stack && withoutSubmittedValues(error.stack) };
}

const OPERATION_RESOLUTION =
  /^(Must provide an operation\.|Must provide operation name if query contains multiple operations\.|Unknown operation named "|Unable to identify operation)/;

/**
 * graphql-js's own request errors (syntax, variable coercion, choosing the operation) carry no code; over
 * HTTP Apollo adds one, over WebSocket nobody does. Give them the code Apollo gives, so both transports
 * answer the same and none of them is mistaken for an unexpected error.
 */
export function codeOfGraphQLRequestError(error: unknown): string | undefined {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return undefined;
  if (error.message.startsWith("Syntax Error")) return "GRAPHQL_PARSE_FAILED";
  if (error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION) return "BAD_USER_INPUT";
  if (!error.path && /^Variable "\$[^"]+" /.test(error.message)) return "BAD_USER_INPUT";
  if (OPERATION_RESOLUTION.test(error.message)) return "OPERATION_RESOLUTION_FAILURE";
  return undefined;
}

const MISSING_VARIABLE_FIELD = /Field "([^"]+)" of required type "[^"]+" was not provided/;

/**
 * Last stop before an error reaches a client: known codes pass; a missing input field found by
 * GraphQL itself gets the same per-field map our validation gives; anything unexpected is logged and
 * replaced by a generic message, so internals (and any data in them) never leak.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code ?? codeOfGraphQLRequestError(error);
    const domainError = domainErrorBehind(error);
    if (domainError) return { ...formatted, message: domainError.message, extensions: { code: domainError.code, ...domainError.details } };
    const original = unwrapResolverError(error);
    if (
      code === "BAD_USER_INPUT" ||
      code === "GRAPHQL_VALIDATION_FAILED" ||
      code === "GRAPHQL_PARSE_FAILED" ||
      code === "BAD_REQUEST" ||
      code === "OPERATION_RESOLUTION_FAILURE"
    ) {
      const missing = MISSING_VARIABLE_FIELD.exec(formatted.message);
      const fields = missing ? { [missing[1].split(".").pop()!]: [MISSING] } : undefined;
      const message = withoutSubmittedValues(formatted.message);
      return {
        message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: code === "GRAPHQL_VALIDATION_FAILED" && missing ? "BAD_USER_INPUT" : code, ...(fields && { fields }) },
      };
    }
    if (
      typeof code === "string" &&
      (code in HTTP_STATUS ||
        code === "PERSISTED_QUERY_NOT_FOUND" ||
        code === "PERSISTED_QUERY_NOT_SUPPORTED" ||
        code === "TRUSTED_DOCUMENT_REQUIRED" ||
        code === "TRUSTED_DOCUMENT_NOT_FOUND" ||
        code === "OPERATION_RESOLUTION_FAILURE")
    )
      return formatted;
    // The one log line of an unexpected error: the message and stack without any submitted value.
    logger.error({ err: logSafeError(original), path: formatted.path }, "unexpected GraphQL error");
    return { message: "Internal server error.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

export { HTTP_STATUS };
