import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";

/** The last route: any path nothing else answered. */
export function notFound(_request: Request, response: Response): void {
  response.status(404).json({ code: "NOT_FOUND", message: "No such route." });
}

/**
 * Express's error handler: an error a route passed on becomes a JSON answer with a code. Database
 * outages are 503 (retry shortly); body-parser's 413 and 400 say what was wrong with the body; anything
 * else is a logged 500 that shows no internals.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction): void => {
    if (isDatabaseUnavailable(error)) {
      response.status(503).json({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; retry shortly." });
      return;
    }
    const status = typeof error === "object" && error && "status" in error && typeof error.status === "number" ? error.status : 500;
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "MALFORMED_JSON" : "INTERNAL_ERROR";
    if (status >= 500) logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "request failed");
    response.status(status).json({ code, message: status === 413 ? "The request body is too large." : status === 400 ? "The request body is not valid JSON." : "Internal error." });
  };
}
