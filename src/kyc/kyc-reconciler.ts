import type { Logger } from "pino";
import type { ReconciliationRepository } from "../db/reconciliation-repository.js";
import { KycStatus } from "../domain/kyc-status.js";
import { nextReconcileAt, type ReconcileBackoff } from "../domain/reconcile-backoff.js";
import type { Clock } from "../domain/clock.js";
import type { KycService } from "./kyc-service.js";

export interface KycReconcilerOptions {
  kyc: KycService;
  repository: ReconciliationRepository;
  clock: Clock;
  logger: Logger;
  /** 0 = run only when asked (and once at start). */
  intervalMs: number;
  pendingAfterMs: number;
  submittedAfterMs: number;
  /** Per customer: a lookup that finds it still submitted delays the next one (doubling, capped). */
  backoff?: ReconcileBackoff;
  /** Most rows of each kind handled per run. */
  batchSize?: number;
}

export interface ReconcileReport {
  resent: number;
  looked: number;
  changed: number;
  failed: number;
}

export interface KycReconciler {
  /** One pass; concurrent calls share the run in progress. Never rejects (failures are logged and counted). */
  runOnce(): Promise<ReconcileReport>;
  /** Stops the timer and waits for a run in progress. */
  close(): Promise<void>;
}

/**
 * Repairs what a crash or a lost webhook leaves behind, at start and then every `intervalMs`:
 * (a) attempts left PENDING (the process died between recording them and hearing Bond's answer) are
 *     sent again with their own Idempotency-Key, so Bond counts them once;
 * (b) customers SUBMITTED for longer than `submittedAfterMs` are looked up at Bond, and the answer goes
 *     through the webhook path.
 * Safe with several instances: (a) claims rows with `skip locked`; (b) only feeds the idempotent ingest.
 */
export function startKycReconciler(options: KycReconcilerOptions): KycReconciler {
  const { kyc, repository, clock, logger } = options;
  const batchSize = options.batchSize ?? 50;
  let running: Promise<ReconcileReport> | null = null;
  let closed = false;

  async function pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { resent: 0, looked: 0, changed: 0, failed: 0 };
    const now = clock();
    try {
      const abandoned = await repository.claimAbandonedAttempts(new Date(now.getTime() - options.pendingAfterMs), now, batchSize);
      for (const attempt of abandoned) {
        try {
          const sent = await kyc.submissions.resendAbandonedAttempt(attempt);
          report.resent += 1;
          logger.info({ attemptId: attempt.id, customerId: attempt.customerId, status: sent.status }, "abandoned KYC attempt resent");
        } catch (error) {
          report.failed += 1;
          logger.warn({ attemptId: attempt.id, err: errorSummary(error) }, "could not resend an abandoned KYC attempt");
        }
      }
      const overdue = await repository.customersSubmittedBefore(new Date(now.getTime() - options.submittedAfterMs), batchSize, now);
      for (const { id: customerId, lookups } of overdue) {
        let stillSubmitted = true;
        try {
          const outcome = await kyc.statusChanges.reconcileKycStatus(customerId);
          report.looked += 1;
          if (outcome?.result === "changed") report.changed += 1;
          if (outcome) logger.info({ customerId, result: outcome.result, kycStatus: outcome.kycStatus }, "KYC status reconciled from Bond");
          stillSubmitted = !outcome || outcome.kycStatus === KycStatus.SUBMITTED;
        } catch (error) {
          report.failed += 1;
          logger.warn({ customerId, err: errorSummary(error) }, "could not reconcile a KYC status");
          continue; // Bond did not answer: not a reason to wait longer on this customer (its retries pace that)
        }
        if (!options.backoff) continue;
        try {
          if (stillSubmitted)
            await repository.recordReconcileLookup(customerId, lookups + 1, nextReconcileAt(lookups + 1, clock(), options.backoff));
          else if (lookups > 0) await repository.recordReconcileLookup(customerId, 0, null);
        } catch (error) {
          logger.warn({ customerId, err: errorSummary(error) }, "could not record the reconcile back-off");
        }
      }
    } catch (error) {
      report.failed += 1;
      logger.warn({ err: errorSummary(error) }, "reconciliation pass failed");
    }
    return report;
  }

  function runOnce(): Promise<ReconcileReport> {
    if (closed) return Promise.resolve({ resent: 0, looked: 0, changed: 0, failed: 0 });
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = options.intervalMs > 0 ? setInterval(() => void runOnce(), options.intervalMs) : null;
  timer?.unref();

  return {
    runOnce,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

function errorSummary(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message } : String(error);
}
