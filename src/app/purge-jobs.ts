import type { Logger } from "pino";
import { WEBHOOK_RECEIPT_KEPT_TOLERANCES, WEBHOOK_RECEIPT_PURGE_INTERVAL_MS } from "../config.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { WebhookReceiptRepository } from "../db/webhook-receipts.js";

export interface PurgeJobsOptions {
  receipts: WebhookReceiptRepository;
  repository: KycRepository;
  clock: () => Date;
  logger: Logger;
  webhookToleranceSeconds: number;
  /** IDEMPOTENCY_PURGE_INTERVAL_MS; 0 = never. */
  idempotencyPurgeIntervalMs: number;
}

/** Deletes, in the background, what is kept only for a while: webhook receipts and expired idempotency keys. */
export function startPurgeJobs(options: PurgeJobsOptions): { stop(): void } {
  const { clock, logger } = options;
  // Receipts older than the timestamp tolerance are useless (such a timestamp is refused as stale).
  const keptMs = WEBHOOK_RECEIPT_KEPT_TOLERANCES * options.webhookToleranceSeconds * 1000;
  const purgeReceipts = setInterval(() => {
    options.receipts
      .purgeBefore(new Date(clock().getTime() - keptMs))
      .catch((error: unknown) => logger.warn({ err: String(error) }, "could not purge webhook receipts"));
  }, WEBHOOK_RECEIPT_PURGE_INTERVAL_MS);
  purgeReceipts.unref();
  // Idempotency keys are honoured 24 hours (like Bond's); after that they and their fingerprints go.
  const purgeIdempotencyKeys =
    options.idempotencyPurgeIntervalMs > 0
      ? setInterval(() => {
          options.repository.attempts
            .purgeIdempotencyKeysExpiredBy(clock())
            .then((purged) => (purged > 0 ? logger.info({ purged }, "expired idempotency keys purged") : undefined))
            .catch((error: unknown) => logger.warn({ err: String(error) }, "could not purge expired idempotency keys"));
        }, options.idempotencyPurgeIntervalMs)
      : null;
  purgeIdempotencyKeys?.unref();
  return {
    stop() {
      clearInterval(purgeReceipts);
      if (purgeIdempotencyKeys) clearInterval(purgeIdempotencyKeys);
    },
  };
}
