import { createHash } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { verifyBondSignature } from "../bond/webhook-signature.js";
import { parseBondWebhook, UnsupportedBondEvent } from "../domain/bond-webhook.js";
import { CustomerNotFound, ValidationFailed } from "../domain/errors.js";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";
import type { KycService } from "../kyc/kyc-service.js";
import { WEBHOOK_EVENT_LOCAL, type Metrics } from "../observability/metrics.js";
import { ipAllowed, type RateLimits } from "./rate-limits.js";

export const BOND_WEBHOOK_PATH = "/webhooks/bond";

/** A Bond webhook event is small JSON: a body far bigger is not one, and is refused (413) before its signature is checked. */
const WEBHOOK_BODY_LIMIT = "64kb";
/** Retry-After for a spent budget when the limiter gives no wait of its own: its window, a minute. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

export interface BondWebhookRouteOptions {
  kyc: KycService;
  logger: Logger;
  /** Secrets a signature may match (more than one while a secret is being rotated). */
  secrets: string[];
  toleranceSeconds: number;
  /** The signed-string template (WEBHOOK_SIGNED_CONTENT). */
  signedContent: string;
  /** Source IPs/CIDRs allowed to post (empty = any). */
  allowedIps: string[];
  /** Charged for each refused request, so a source that keeps failing the checks is slowed down. */
  rateLimits: RateLimits;
  clock: () => Date;
  metrics: Metrics;
}

function reply(response: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  response.status(status).json({ code, message, ...extra });
}

/**
 * POST /webhooks/bond: checks the source address, verifies Bond's signature over the raw body, parses the
 * event, hands it to the KYC service, and answers 200 only once the event is stored (any other answer
 * makes Bond retry, for about three days). A signature seen before (our 2xx got lost, or a captured
 * request replayed) is answered 200 `duplicate` and does nothing again. A well-signed event we do not
 * act on is answered 200 `ignored`, stored as such, counted and logged. Nothing is stored for a refused request.
 */
export function bondWebhookRouter(options: BondWebhookRouteOptions): Router {
  const router = express.Router();
  // Refused requests spend the source's budget; a spent budget is refused before any work is done.
  const refuse = async (request: Request, response: Response, status: number, code: string, message: string) => {
    try {
      await options.rateLimits.consumeAnonymous(request.ip ?? "unknown");
    } catch (error) {
      const retryAfter = (error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
      response.set("Retry-After", String(retryAfter));
      return reply(response, 429, "RATE_LIMITED", "Too many refused webhook requests from this address.", {
        retryAfterSeconds: retryAfter,
      });
    }
    return reply(response, status, code, message);
  };
  router.post(BOND_WEBHOOK_PATH, (request: Request, response: Response, next) => {
    if (ipAllowed(request.ip, options.allowedIps)) return next();
    options.logger.warn({ ip: request.ip }, "webhook refused: source address not allowed");
    return void refuse(request, response, 403, "FORBIDDEN_SOURCE", "Webhooks are not accepted from this address.");
  });
  router.post(
    BOND_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (request: Request, response: Response) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.get("Bond-Signature");
      const signature = verifyBondSignature({
        header,
        rawBody,
        secrets: options.secrets,
        toleranceSeconds: options.toleranceSeconds,
        now: options.clock(),
        template: options.signedContent,
      });
      if (!signature.ok) {
        options.logger.warn({ reason: signature.reason }, "webhook refused: bad signature");
        return refuse(request, response, 401, "INVALID_SIGNATURE", `Bond-Signature check failed (${signature.reason}).`);
      }
      const signatureHash = createHash("sha256").update(header!).digest("hex");
      const delivery = { signatureHash, receivedAt: options.clock() };
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        return reply(response, 400, "MALFORMED_JSON", "The body is not valid JSON.");
      }
      try {
        const event = parseBondWebhook(body);
        response.locals[WEBHOOK_EVENT_LOCAL] = event.event; // the metrics' label
        const outcome = await options.kyc.statusChanges.ingestBondEvent(event, delivery);
        options.logger.info(
          { customerId: event.customerId, event: event.event, result: outcome.result, kycStatus: outcome.kycStatus },
          "webhook stored",
        );
        return response.status(200).json({ received: true, ...outcome });
      } catch (error) {
        if (error instanceof ValidationFailed) return reply(response, 400, "MALFORMED_WEBHOOK", error.message, { fields: error.fields });
        if (error instanceof UnsupportedBondEvent) return ignore(response, error, rawBody, delivery);
        if (error instanceof CustomerNotFound) return reply(response, 404, "UNKNOWN_CUSTOMER", error.message);
        return failedToStore(response, error);
      }
    },
  );
  /** A well-signed event we do not act on: 2xx (or Bond retries for days), stored once, counted, logged. */
  async function ignore(
    response: Response,
    unsupported: UnsupportedBondEvent,
    rawBody: Buffer,
    delivery: { signatureHash: string; receivedAt: Date },
  ) {
    response.locals[WEBHOOK_EVENT_LOCAL] = "(not handled)"; // a fixed label: event names are Bond's to choose
    try {
      const bodyHash = createHash("sha256").update(rawBody).digest("hex");
      const { result } = await options.kyc.statusChanges.recordIgnoredWebhook(unsupported, bodyHash, delivery);
      if (result === "ignored") {
        options.metrics.ignoredWebhooks.inc({ reason: unsupported.reason });
        options.logger.warn(
          { event: unsupported.event, reason: unsupported.reason, customerId: unsupported.customerId },
          "webhook ignored: an event this API does not act on",
        );
      }
      return response.status(200).json({ received: true, result, event: unsupported.event });
    } catch (error) {
      return failedToStore(response, error);
    }
  }
  // A 5xx makes Bond deliver again later: never acknowledge an event that was not stored.
  function failedToStore(response: Response, error: unknown) {
    if (isDatabaseUnavailable(error)) {
      options.logger.warn("webhook not stored: database unavailable (Bond will retry)");
      return reply(response, 503, "SERVICE_UNAVAILABLE", "The database is unavailable; the event was not stored. Bond will retry it.");
    }
    options.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "webhook failed");
    return reply(response, 500, "INTERNAL_ERROR", "The event could not be stored; Bond will retry it.");
  }
  return router;
}
