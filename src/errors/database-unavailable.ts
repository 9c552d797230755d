/** postgres.js's own codes for a connection that failed or went away. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "DATABASE_DEADLINE_EXCEEDED", // our own bound on a database wait (database-deadline.ts)
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** SQLSTATEs that mean "the server cannot serve now", not "this query is wrong". */
function isUnavailableSqlState(code: string): boolean {
  // 08xxx connection exception; 57P01-57P03 shutdown / starting up; 53300 too many connections.
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/**
 * True when an error (or any error it wraps: drizzle wraps driver errors in `cause`) means the database
 * could not be reached, rather than a bug or a constraint: such a request may simply be retried later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth += 1) {
    if (typeof current !== "object") return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || isUnavailableSqlState(code))) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true; // AggregateError (several addresses)
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
