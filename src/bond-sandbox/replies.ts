import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import type { FaultInjector } from "./faults.js";
import type { SandboxRequest } from "./bond-sandbox.js";

/** How the sandbox answers: Bond's error body, and one `reply` every answer goes through (recorded, then logged). */

export type BondFieldErrors = Record<string, string[]>;

/** Bond's error body. 5xx are "Server Error"; everything we answer below that is a "Request Error". */
export function bondError(status: number, code: string, message: string | BondFieldErrors) {
  return { Message: message, Status: status, Code: code, Type: status >= 500 ? "Server Error" : "Request Error" };
}

/** Constant-time comparison of a header with the expected value (hashing evens out the lengths). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export type Reply = (request: Request, response: Response, status: number, body: unknown, customerId?: string) => void;

export interface Replies {
  reply: Reply;
  customerNotFound(request: Request, response: Response, customerId: string): void;
  requireCredentials(request: Request, response: Response, next: NextFunction): void;
  notFound(request: Request, response: Response): void;
  /** Body-parser failures in Bond's shape. Never logs the error message: JSON errors quote the body. */
  handleError(error: unknown, request: Request, response: Response, next: NextFunction): void;
}

export function createReplies(context: {
  requests: SandboxRequest[];
  faults: FaultInjector;
  clock: () => Date;
  logger?: Logger;
  credentials: { identity: string; authorization: string };
}): Replies {
  const { requests, faults, clock, logger, credentials } = context;

  /** Every answer goes through here, so each one is recorded (before the client can see it) and logged. */
  function reply(request: Request, response: Response, status: number, body: unknown, customerId?: string): void {
    const idempotencyKey = request.get("Idempotency-Key") || undefined;
    const answeredStatus = faults.overrideStatus(response);
    requests.push({
      method: request.method,
      path: request.path,
      ...(customerId === undefined ? {} : { customerId }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      status,
      ...(answeredStatus === undefined ? {} : { answeredStatus, fault: "accept-then-fail" as const }),
      at: clock(),
    });
    logger?.debug({ method: request.method, path: request.path, status, answeredStatus }, "bond sandbox request");
    if (answeredStatus !== undefined) {
      response.status(answeredStatus).json(bondError(answeredStatus, "sandbox_fault", "Injected fault (the request was carried out)."));
      return;
    }
    response.status(status).json(body);
  }

  return {
    reply,
    customerNotFound(request, response, customerId) {
      reply(request, response, 404, bondError(404, "customer_dne", "Customer not found"), customerId);
    },
    requireCredentials(request, response, next) {
      if (sameSecret(request.get("Identity"), credentials.identity) && sameSecret(request.get("Authorization"), credentials.authorization))
        return next();
      reply(request, response, 401, bondError(401, "unauthorized", "Invalid credentials"));
    },
    notFound(request, response) {
      reply(request, response, 404, bondError(404, "not_found", "The requested URL was not found."));
    },
    handleError(error, request, response, _next) {
      const type = typeof error === "object" && error && "type" in error ? String(error.type) : "";
      const status = typeof error === "object" && error && "status" in error && typeof error.status === "number" ? error.status : 500;
      if (type === "entity.parse.failed")
        return reply(request, response, 400, bondError(400, "invalid_json", "The request body is not valid JSON."));
      if (type === "entity.too.large")
        return reply(request, response, 413, bondError(413, "payload_too_large", "The request body is too large."));
      if (status >= 400 && status < 500)
        return reply(request, response, status, bondError(status, "bad_request", "The request could not be read."));
      logger?.error({ errorName: error instanceof Error ? error.name : typeof error, path: request.path }, "bond sandbox request failed");
      reply(request, response, 500, bondError(500, "internal_error", "Internal server error."));
    },
  };
}
