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
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;
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

/** What the route answers: a status and a JSON body (and, for a spent budget, Retry-After). */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: string;
}

/** The answer on an Express response (through `response.json`, which the webhook metrics read). */
function sendAnswer(response: Response, answer: WebhookAnswer): void {
  if (answer.retryAfter !== undefined) response.set("Retry-After", answer.retryAfter);
  response.status(answer.status).json(answer.body);
}

const answer = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): WebhookAnswer => ({
  status,
  body: { code, message, ...extra },
});

/** The webhook's steps on plain values, shared by the Express route and the direct handler in front of Express. */
export interface BondWebhookSteps {
  /** The source address check: null when the address may post, else the refusal (403, or 429 with the budget spent). */
  checkSource(ip: string | undefined): Promise<WebhookAnswer> | null;
  /** The signature check, parse and ingest of a raw body; `label` gets the event's name for the metrics and the span. */
  handle(
    ip: string | undefined,
    signatureHeader: string | undefined,
    rawBody: Buffer,
    label: (event: string) => void,
  ): Promise<WebhookAnswer>;
}

/**
 * POST /webhooks/bond: checks the source address, verifies Bond's signature over the raw body, parses the
 * event, hands it to the KYC service, and answers 200 only once the event is stored (any other answer
 * makes Bond retry, for about three days). A signature seen before (our 2xx got lost, or a captured
 * request replayed) is answered 200 `duplicate` and does nothing again. A well-signed event we do not
 * act on is answered 200 `ignored`, stored as such, counted and logged. Nothing is stored for a refused request.
 */
export function bondWebhookSteps(options: BondWebhookRouteOptions): BondWebhookSteps {
  // Refused requests spend the source's budget; a spent budget is refused before any work is done.
  const refuse = async (ip: string | undefined, status: number, code: string, message: string): Promise<WebhookAnswer> => {
    try {
      await options.rateLimits.consumeAnonymous(ip ?? "unknown");
    } catch (error) {
      const retryAfter = (error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
      return {
        ...answer(429, "RATE_LIMITED", "Too many refused webhook requests from this address.", { retryAfterSeconds: retryAfter }),
        retryAfter: String(retryAfter),
      };
    }
    return answer(status, code, message);
  };
  /** A well-signed event we do not act on: 2xx (or Bond retries for days), stored once, counted, logged. */
  async function ignore(
    unsupported: UnsupportedBondEvent,
    rawBody: Buffer,
    delivery: { signatureHash: string; receivedAt: Date },
    label: (event: string) => void,
  ): Promise<WebhookAnswer> {
    label("(not handled)"); // a fixed label: event names are Bond's to choose
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
      return { status: 200, body: { received: true, result, event: unsupported.event } };
    } catch (error) {
      return failedToStore(error);
    }
  }
  // A 5xx makes Bond deliver again later: never acknowledge an event that was not stored.
  function failedToStore(error: unknown): WebhookAnswer {
    if (isDatabaseUnavailable(error)) {
      options.logger.warn("webhook not stored: database unavailable (Bond will retry)");
      return answer(503, "SERVICE_UNAVAILABLE", "The database is unavailable; the event was not stored. Bond will retry it.");
    }
    options.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "webhook failed");
    return answer(500, "INTERNAL_ERROR", "The event could not be stored; Bond will retry it.");
  }
  return {
    checkSource(ip) {
      if (ipAllowed(ip, options.allowedIps)) return null;
      options.logger.warn({ ip }, "webhook refused: source address not allowed");
      return refuse(ip, 403, "FORBIDDEN_SOURCE", "Webhooks are not accepted from this address.");
    },
    async handle(ip, header, rawBody, label) {
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
        return refuse(ip, 401, "INVALID_SIGNATURE", `Bond-Signature check failed (${signature.reason}).`);
      }
      const signatureHash = createHash("sha256").update(header!).digest("hex");
      const delivery = { signatureHash, receivedAt: options.clock() };
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        return answer(400, "MALFORMED_JSON", "The body is not valid JSON.");
      }
      try {
        const event = parseBondWebhook(body);
        label(event.event);
        const outcome = await options.kyc.statusChanges.ingestBondEvent(event, delivery);
        options.logger.info(
          { customerId: event.customerId, event: event.event, result: outcome.result, kycStatus: outcome.kycStatus },
          "webhook stored",
        );
        return { status: 200, body: { received: true, ...outcome } };
      } catch (error) {
        if (error instanceof ValidationFailed) return answer(400, "MALFORMED_WEBHOOK", error.message, { fields: error.fields });
        if (error instanceof UnsupportedBondEvent) return ignore(error, rawBody, delivery, label);
        if (error instanceof CustomerNotFound) return answer(404, "UNKNOWN_CUSTOMER", error.message);
        return failedToStore(error);
      }
    },
  };
}

/** The webhook on Express (what the direct handler in front of it leaves: other spellings of the path, encoded bodies). */
export function bondWebhookRouter(steps: BondWebhookSteps): Router {
  const router = express.Router();
  router.post(BOND_WEBHOOK_PATH, (request: Request, response: Response, next) => {
    const refused = steps.checkSource(request.ip);
    if (!refused) return next();
    return void refused.then((refusal) => sendAnswer(response, refusal));
  });
  router.post(
    BOND_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (request: Request, response: Response) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const label = (event: string) => (response.locals[WEBHOOK_EVENT_LOCAL] = event); // the metrics' label
      sendAnswer(response, await steps.handle(request.ip, request.get("Bond-Signature"), rawBody, label));
    },
  );
  return router;
}
