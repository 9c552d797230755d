import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { verifyBondSignature } from "../bond/webhook-signature.js";
import { parseBondWebhook, UnsupportedBondEvent } from "../domain/bond-webhook.js";
import { CustomerNotFound, ValidationFailed } from "../domain/errors.js";
import type { KycService } from "../kyc/kyc-service.js";

export const BOND_WEBHOOK_PATH = "/webhooks/bond";

export interface BondWebhookRouteOptions {
  kyc: KycService;
  logger: Logger;
  /** Secrets a signature may match (more than one while a secret is being rotated). */
  secrets: string[];
  toleranceSeconds: number;
  clock: () => Date;
}

function reply(response: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  response.status(status).json({ code, message, ...extra });
}

/**
 * POST /webhooks/bond: verifies Bond's signature over the raw body, parses the event, hands it to the
 * KYC service, and answers 200 only once the event is stored (any other answer makes Bond retry).
 */
export function bondWebhookRouter(options: BondWebhookRouteOptions): Router {
  const router = express.Router();
  router.post(BOND_WEBHOOK_PATH, express.raw({ type: () => true, limit: "64kb" }), async (request: Request, response: Response) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = verifyBondSignature({
      header: request.get("Bond-Signature"),
      rawBody,
      secrets: options.secrets,
      toleranceSeconds: options.toleranceSeconds,
      now: options.clock(),
    });
    if (!signature.ok) {
      options.logger.warn({ reason: signature.reason }, "webhook refused: bad signature");
      return reply(response, 401, "INVALID_SIGNATURE", `Bond-Signature check failed (${signature.reason}).`);
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch {
      return reply(response, 400, "MALFORMED_JSON", "The body is not valid JSON.");
    }
    try {
      const event = parseBondWebhook(body);
      const outcome = await options.kyc.ingestBondEvent(event);
      options.logger.info({ customerId: event.customerId, event: event.event, result: outcome.result, kycStatus: outcome.kycStatus }, "webhook stored");
      return response.status(200).json({ received: true, ...outcome });
    } catch (error) {
      if (error instanceof ValidationFailed) return reply(response, 400, "MALFORMED_WEBHOOK", error.message, { fields: error.fields });
      if (error instanceof UnsupportedBondEvent) return reply(response, 422, error.code, error.message);
      if (error instanceof CustomerNotFound) return reply(response, 404, "UNKNOWN_CUSTOMER", error.message);
      options.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "webhook failed");
      // A 5xx makes Bond deliver again later: never acknowledge an event that was not stored.
      return reply(response, 500, "INTERNAL_ERROR", "The event could not be stored; Bond will retry it.");
    }
  });
  return router;
}
