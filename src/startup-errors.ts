/**
 * Turns an exception thrown while the server starts into one line an operator can act on: what failed
 * and where ("cannot reach Postgres at db:5432 (connection refused)"), rather than the query a driver
 * was running ("Failed query: CREATE SCHEMA …") or a stack trace.
 */

/** Where the server was told to find Postgres and to listen, for the message (no credentials). */
export interface StartupTarget {
  databaseUrl?: string;
  host: string;
  port: number;
}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  cause?: unknown;
}

/** The error and its causes (drizzle wraps the driver's error in `cause`), outermost first. */
function causeChain(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && chain.length < 10) {
    chain.push(current);
    current = (current as ErrorFields).cause;
  }
  return chain;
}

/** Network failures worth naming, by the errno code Node reports. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
};

/** Postgres SQLSTATE codes seen at connect time; their server message is already the clearest wording. */
const POSTGRES_CONNECT_CODES = new Set([
  "3D000", // database "x" does not exist
  "28P01", // password authentication failed for user "x"
  "28000", // no pg_hba.conf entry / role does not exist
  "57P03", // the database system is starting up
  "53300", // too many connections
]);

function postgresAddress(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname.replace(/^\[|\]$/g, "") || "localhost"}:${url.port || "5432"}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

/** One line saying why start-up failed; falls back to the error's own message. */
export function describeStartupError(error: unknown, target: StartupTarget): string {
  const chain = causeChain(error);
  for (const link of chain) {
    const code = typeof link.code === "string" ? link.code : undefined;
    if (!code) continue;
    if (link.syscall === "listen") {
      if (code === "EADDRINUSE")
        return `port ${portOf(link.port, target.port)} is already in use (HOST=${target.host}); stop the other process or set PORT`;
      if (code === "EACCES")
        return `not allowed to listen on port ${portOf(link.port, target.port)} (ports below 1024 need privileges); set PORT`;
      if (code === "EADDRNOTAVAIL") return `cannot listen on ${target.host}: no such local address; set HOST`;
    }
    if (target.databaseUrl && NETWORK_REASONS[code])
      return `cannot reach Postgres at ${postgresAddress(target.databaseUrl)} (${NETWORK_REASONS[code]})`;
    if (target.databaseUrl && POSTGRES_CONNECT_CODES.has(code) && typeof link.message === "string")
      return `Postgres at ${postgresAddress(target.databaseUrl)}: ${link.message}`;
  }
  const first = chain[0];
  if (first && typeof first.message === "string") return first.message.split("\n")[0];
  return String(error);
}

/** The port an error names (a number or a numeric string), else the one we were given. */
function portOf(named: unknown, fallback: number | string): string {
  return typeof named === "number" || typeof named === "string" ? String(named) : String(fallback);
}
