import type { ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";
import { sendJson } from "./respond.js";

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
  return (error: unknown, _request: Request, response: Response, _next: NextFunction): void => sendError(response, error, logger);
}

/** The error handler's answer on a plain Node response (the /graphql handler runs outside Express). */
export function sendError(response: ServerResponse, error: unknown, logger: Logger): void {
  if (isDatabaseUnavailable(error)) {
    sendJson(response, 503, { code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; retry shortly." });
    return;
  }
  const status = typeof error === "object" && error && "status" in error && typeof error.status === "number" ? error.status : 500;
  const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "MALFORMED_JSON" : "INTERNAL_ERROR";
  if (status >= 500)
    logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "request failed");
  sendJson(response, status, {
    code,
    message: status === 413 ? "The request body is too large." : status === 400 ? "The request body is not valid JSON." : "Internal error.",
  });
}
