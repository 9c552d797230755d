import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger } from "pino";
import type { AppConfig } from "../config.js";
import { requestLogFields } from "./request-context.js";

/** Personal fields that must never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  "ssn",
  "*.ssn",
  "*.*.ssn",
  "input.ssn",
  "variables.input.ssn",
  // A second line of defence behind the error formatter: GraphQL variables and inputs are never logged.
  "variables",
  "*.variables",
  "input",
  "*.input",
  "payload.variables",
  "*.payload.variables",
  "body",
  "req.body",
  "*.body",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.identity",
  "token",
  "*.token",
];

/**
 * The app's logger: JSON lines (stdout unless `stream` says otherwise), personal fields redacted.
 * `mixin` adds the id of the request being handled (AsyncLocalStorage) to every line, however deep the caller.
 */
export function createLogger(level: AppConfig["logLevel"], stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { service: "kyc-graphql", pid: process.pid, hostname: hostname() },
      mixin: requestLogFields,
    },
    stream,
  );
}
