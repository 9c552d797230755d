import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { BondKycAlreadyPassedError, BondRequestError, BondUnavailableError, type BondApi } from "../bond/bond-client.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { Clock } from "../domain/clock.js";
import {
  camelCaseFields,
  CustomerNotFound,
  KycAlreadyPassed,
  UpstreamRejected,
  UpstreamUnavailable,
  ValidationFailed,
} from "../domain/errors.js";
import { caughtUpAttemptStatus, KycAttemptStatus } from "../domain/kyc-attempt.js";
import { kycStateOf, type KycAttemptRecord } from "../domain/kyc-records.js";
import type { KycStatusSignal } from "../domain/kyc-status.js";
import {
  assertCanResendAttempt,
  assertCanStartKyc,
  decideIdempotency,
  fingerprintMaterial,
  IDEMPOTENCY_TTL_MS,
  ssnLastFour,
  validateKycSubmission,
  type KycSubmission,
  type KycSubmissionInput,
} from "../domain/kyc-submission.js";
import type { KycStatusBus } from "../realtime/kyc-status-bus.js";
import type { PiiVault } from "../security/pii-vault.js";
import type { KycStatusChanges } from "./status-changes.js";

export interface KycSubmissionsDeps {
  repository: KycRepository;
  statusChanges: KycStatusChanges;
  bond: BondApi;
  bus: KycStatusBus;
  vault: PiiVault;
  clock: Clock;
  logger: Logger;
  /** Test-only fault hook (KYC_FAULT_CRASH_AFTER_BOND_ACCEPT): runs right after Bond accepted an attempt, before we record it. */
  afterBondAccepted?: (attemptId: string) => void;
}

/** Bond's word that the customer passed, as a status signal. */
function passedSignal(passedAt: Date): KycStatusSignal {
  return { source: "bond", event: "kyc.verification.success", occurredAt: passedAt, occurredAtMicros: passedAt.getTime() * 1000 };
}

/**
 * KYC submissions: submit (or replay, or resend under the same client key), send to Bond, and resend an
 * attempt whose sender died. An accepted submission moves the status through the status core.
 */
export class KycSubmissions {
  constructor(private readonly deps: KycSubmissionsDeps) {}

  /**
   * Starts (or replays) a KYC attempt. The attempt is recorded as PENDING, with the submission sealed,
   * before Bond is called, so a crash cannot lose it; the sealed copy is erased once Bond answers.
   */
  async submitKyc(input: KycSubmissionInput): Promise<KycAttemptRecord> {
    const submission = validateKycSubmission(input);
    const { repository, vault, clock } = this.deps;
    const { attempts } = repository;
    // During a PII key rotation a stored fingerprint may have been made with the previous key.
    const fingerprints = vault.fingerprints(fingerprintMaterial(submission));
    const fingerprint = fingerprints[0];
    const startedAt = clock();

    const plan = await repository.transaction(async (tx) => {
      const customer = await repository.statuses.lockCustomer(tx, submission.customerId);
      if (!customer) throw new CustomerNotFound(submission.customerId);
      const key = submission.idempotencyKey;
      if (key) {
        const stored = await attempts.findIdempotencyKey(tx, customer.id, key);
        const decision = decideIdempotency(
          stored && {
            fingerprint: stored.fingerprint,
            expiresAt: stored.expiresAt,
            attemptId: stored.attemptId,
            inFlight: stored.attemptStatus === KycAttemptStatus.PENDING,
            notSent: stored.attemptStatus === KycAttemptStatus.NOT_SENT,
          },
          stored && fingerprints.includes(stored.fingerprint) ? stored.fingerprint : fingerprint,
          startedAt,
        );
        if (decision.kind === "replay") return { send: false as const, attempt: (await attempts.findAttempt(decision.attemptId, tx))! };
        if (decision.kind === "resend") {
          const earlier = (await attempts.findAttempt(decision.attemptId, tx))!;
          assertCanResendAttempt(
            kycStateOf(customer),
            earlier.round,
            await attempts.hasOtherAttemptSince(tx, customer.id, earlier),
            await attempts.hasPendingAttempt(tx, customer.id),
          );
          const attempt = await attempts.updateAttempt(
            decision.attemptId,
            { status: KycAttemptStatus.PENDING, sealedSubmission: vault.seal(submission) },
            startedAt,
            tx,
          );
          return { send: true as const, resend: true, attempt };
        }
      }
      assertCanStartKyc(kycStateOf(customer), await attempts.hasPendingAttempt(tx, customer.id));
      // The attempt opens the customer's next round: Bond's events from now on belong to it.
      const round = await attempts.openRound(tx, customer.id);
      const attempt = await attempts.insertAttempt(tx, {
        id: randomUUID(),
        round,
        customerId: customer.id,
        programId: submission.programId,
        status: KycAttemptStatus.PENDING,
        ssnLastFour: ssnLastFour(submission.ssn),
        sealedSubmission: vault.seal(submission),
        idempotencyKey: key,
        createdAt: startedAt,
        updatedAt: startedAt,
      });
      if (key) {
        await attempts.saveIdempotencyKey(tx, {
          customerId: customer.id,
          key,
          fingerprint,
          attemptId: attempt.id,
          expiresAt: new Date(startedAt.getTime() + IDEMPOTENCY_TTL_MS),
          createdAt: startedAt,
        });
      }
      return { send: true as const, resend: false, attempt };
    });

    if (!plan.send) return plan.attempt;
    return this.sendAttempt(plan.attempt, submission, startedAt, plan.resend ? "may-have-reached-bond" : "first-send");
  }

  /**
   * Sends again an attempt found PENDING after its sender died (the reconciler's job), from its sealed
   * copy and with its own id as the key: if the first send got through, Bond answers 409
   * `idempotency_key_exists` and the attempt counts as submitted. While Bond is down it stays PENDING
   * (and sealed) for the next round.
   */
  async resendAbandonedAttempt(attempt: KycAttemptRecord): Promise<KycAttemptRecord> {
    if (!attempt.sealedSubmission) throw new Error(`Attempt ${attempt.id} is PENDING without its sealed submission.`);
    const submission = this.deps.vault.open<KycSubmission>(attempt.sealedSubmission);
    return this.sendAttempt(attempt, submission, attempt.createdAt, "may-have-reached-bond", "keep-pending");
  }

  /**
   * `sending` says whether an earlier send of this attempt may have reached Bond (a resend): then a pass
   * Bond reports may be this attempt's own outcome, as it may when Bond's refusal answers a retried request
   * of this send. Bond's answer to the very first request of a first send cannot be (no clocks compared).
   */
  private async sendAttempt(
    attempt: KycAttemptRecord,
    submission: KycSubmission,
    startedAt: Date,
    sending: "first-send" | "may-have-reached-bond",
    whenUnavailable: "not-sent" | "keep-pending" = "not-sent",
  ): Promise<KycAttemptRecord> {
    const { repository, bond, clock, logger, statusChanges } = this.deps;
    const { attempts } = repository;
    const finish = (changes: Parameters<typeof attempts.updateAttempt>[1]) =>
      attempts.updateAttempt(attempt.id, { sealedSubmission: null, ...changes }, clock());
    // Shown as when the round began (never compared with Bond's times): when the attempt began if Bond got an earlier send.
    let roundStartedAt = startedAt;
    try {
      // The attempt id is the Idempotency-Key Bond sees: a resend of this attempt can never start a second KYC.
      await bond.submitKyc(submission.customerId, submission, attempt.id);
      this.deps.afterBondAccepted?.(attempt.id);
    } catch (error) {
      if (error instanceof BondRequestError && error.code === "idempotency_key_exists") {
        // Bond already has this very attempt (an earlier send got through): it counts as submitted.
        logger.info({ attemptId: attempt.id }, "Bond already had this attempt; treating it as submitted");
        roundStartedAt = attempt.createdAt;
      } else if (error instanceof BondKycAlreadyPassedError && (sending === "may-have-reached-bond" || error.repeatedRequest)) {
        // An earlier send of this very attempt got through and has already passed (Bond checks for a pass
        // before the idempotency key): it was accepted, and the pass is its outcome.
        logger.info({ attemptId: attempt.id }, "Bond reports a pass since this attempt began; treating it as submitted and passed");
        roundStartedAt = attempt.createdAt;
        await statusChanges.applySignal(submission.customerId, passedSignal(error.passedAt));
      } else if (error instanceof BondKycAlreadyPassedError) {
        await finish({ status: KycAttemptStatus.REJECTED, rejectionCode: error.code });
        // Bond is the authority: record the pass it reports, so later calls are refused without asking it.
        await statusChanges.applySignal(submission.customerId, passedSignal(error.passedAt));
        throw new KycAlreadyPassed(error.passedAt);
      } else if (error instanceof BondUnavailableError) {
        if (whenUnavailable === "not-sent") await finish({ status: KycAttemptStatus.NOT_SENT });
        throw new UpstreamUnavailable(error.reason);
      } else if (error instanceof BondRequestError) {
        await finish({ status: KycAttemptStatus.REJECTED, rejectionCode: error.code });
        if (error.fields) throw new ValidationFailed(camelCaseFields(error.fields), `Bond refused the submission (${error.code}).`);
        throw new UpstreamRejected(error.code, error.message);
      } else {
        throw error;
      }
    }
    const sentAt = clock();
    const { change, attempt: sent } = await repository.transaction(async (tx) => {
      const updated = await attempts.updateAttempt(
        attempt.id,
        { status: KycAttemptStatus.SUBMITTED, sealedSubmission: null, sentAt },
        sentAt,
        tx,
      );
      // Our accepted submission puts its round in SUBMITTED, unless Bond already reported on that round
      // (a fast webhook that beat us here, or a resend after a crash): Bond's word is never overwritten.
      const result = await statusChanges.applySignalInTransaction(tx, submission.customerId, {
        source: "submission",
        event: "kyc.submitted",
        round: attempt.round,
        occurredAt: roundStartedAt,
      });
      if (result.attemptStatus) return { change: result.change, attempt: await attempts.findAttempt(attempt.id, tx) };
      // The outcome got here first (a fast webhook, or a resend after a crash): this attempt is the one it was for.
      const customer = await repository.customers.findCustomer(submission.customerId, tx);
      const caughtUp = customer ? caughtUpAttemptStatus(customer.kycStatus, updated.status) : null;
      if (caughtUp) return { change: result.change, attempt: await attempts.updateAttempt(attempt.id, { status: caughtUp }, sentAt, tx) };
      return { change: result.change, attempt: updated };
    });
    if (change) this.deps.bus.publishAfterCommit(change);
    return sent ?? attempt;
  }
}
