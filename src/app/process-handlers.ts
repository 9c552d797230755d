import type { App } from "../app.js";
import { SHUTDOWN_TIMEOUT_MS } from "../config.js";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";

/**
 * The running process's policies: an unhandled rejection is a bug (logged, exit 1), except a lost database
 * connection's; SIGINT/SIGTERM close the app and exit 0 (or 1 past SHUTDOWN_TIMEOUT_MS).
 */
export function handleProcessEvents(app: App): void {
  // A lost database connection rejects promises inside postgres.js that no request awaits any more (the request
  // already answered SERVICE_UNAVAILABLE). Such a rejection is not a reason to stop every request: log it and live.
  // Anything else unhandled is a bug: log it and exit, as Node would.
  process.on("unhandledRejection", (reason) => {
    if (isDatabaseUnavailable(reason)) {
      app.logger.warn(
        { err: reason instanceof Error ? reason.message : String(reason) },
        "database connection error nobody awaited (ignored)",
      );
      return;
    }
    app.logger.fatal(
      { err: reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : String(reason) },
      "unhandled rejection",
    );
    process.exit(1);
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
