import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { BondKycAlreadyPassedError, BondRequestError, BondUnavailableError, type BondApi } from "../bond/bond-client.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { WebhookReceiptRepository } from "../db/webhook-receipts.js";
import { kycStateOf, type LockedCustomer } from "../db/kyc-repository.js";
import type { Transaction } from "../db/database.js";
import type { CustomerRow, KycAttemptRow } from "../db/schema.js";
import { bondEventIdentity, type BondKycEvent, type UnsupportedBondEvent } from "../domain/bond-webhook.js";
import { eventFromStatusReport } from "../domain/kyc-status-report.js";
import { assertCanUpdateCustomer, validateCustomerChanges, validateNewCustomer } from "../domain/customer.js";
import {
  CustomerLocked,
  CustomerNotFound,
  KycAlreadyPassed,
  UpstreamRejected,
  UpstreamUnavailable,
  ValidationFailed,
  type FieldErrors,
} from "../domain/errors.js";
import { attemptStatusFor, KycAttemptStatus } from "../domain/kyc-attempt.js";
import { applyKycSignal, isNewerBondEvent, KycStatus, type KycStatusSignal } from "../domain/kyc-status.js";
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
import type { KycStatusBus, KycStatusChange } from "../realtime/kyc-status-bus.js";
import type { PiiVault } from "../security/pii-vault.js";
import { isUuid } from "../domain/validation.js";
import { toPage, validateCustomerListQuery, type CustomerListInput } from "../domain/customer-list.js";
import {
  DEFAULT_KYC_DOCUMENT_MAX_BYTES,
  documentsStillRequired,
  validateKycDocumentUpload,
  type KycDocumentName,
  type KycDocumentUploadInput,
} from "../domain/kyc-document.js";
import { KycDocumentNotRequired } from "../domain/errors.js";

/** The details a status keeps from the event behind it; other statuses keep none. */
function kycDetailsFor(status: KycStatus, event: Pick<BondKycEvent, "documents" | "failureReasons" | "incorrectInformation"> | null) {
  return {
    documentsRequired: status === KycStatus.DOCUMENT_REQUIRED ? (event?.documents ?? []) : [],
    failureReasons: status === KycStatus.FAILED ? (event?.failureReasons ?? null) : null,
    incorrectInformation: status === KycStatus.REENTER_INFORMATION ? (event?.incorrectInformation ?? []) : [],
  };
}

/** What an accepted document upload answers. */
export interface KycDocumentUploadResult {
  customerId: string;
  document: KycDocumentName;
  /** Bond's `num_documents_submitted`, when it says. */
  numDocumentsSubmitted: number | null;
  customer: CustomerRow;
}

export type Clock = () => Date;

/** A customer's current status as a subscriber's first message (or a re-sync) carries it. */
export function currentKycStatus(customer: Pick<CustomerRow, "id" | "kycStatus" | "kycStatusAt" | "kycStatusEvent" | "kycVersion" | "createdAt">): KycStatusChange {
  return {
    customerId: customer.id,
    status: customer.kycStatus,
    previousStatus: null,
    occurredAt: customer.kycStatusAt ?? customer.createdAt,
    event: customer.kycStatusEvent,
    version: customer.kycVersion,
  };
}

export interface KycServiceDeps {
  repository: KycRepository;
  /** Webhook signatures already accepted (replay refusal). */
  receipts: WebhookReceiptRepository;
  /** Cap on one decoded supporting-document file (KYC_DOCUMENT_MAX_BYTES). */
  documentMaxBytes?: number;
  bond: BondApi;
  bus: KycStatusBus;
  vault: PiiVault;
  clock: Clock;
  logger: Logger;
  /** Test-only fault hook (KYC_FAULT_CRASH_AFTER_BOND_ACCEPT): runs right after Bond accepted an attempt, before we record it. */
  afterBondAccepted?: (attemptId: string) => void;
}

export type WebhookOutcome = { result: "changed" | "duplicate" | "stale" | "already-passed" | "unchanged"; kycStatus: KycStatus };

/** One webhook delivery: its signature (replay detection) and when it came. */
export interface WebhookDelivery {
  signatureHash: string;
  receivedAt: Date;
}

/** Bond names fields in snake_case; our clients know the GraphQL (camelCase) names. */
function camelCaseFields(fields: Record<string, string[]>): FieldErrors {
  return Object.fromEntries(Object.entries(fields).map(([field, messages]) => [field.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase()), messages]));
}

/**
 * The KYC use cases. Each validates with the domain, does its database work in one transaction per
 * step, calls Bond outside any transaction, and announces a status change in the transaction that makes it
 * (delivered only once it commits).
 */
export class KycService {
  constructor(private readonly deps: KycServiceDeps) {}

  async getCustomer(id: string): Promise<CustomerRow | null> {
    return isUuid(id) ? this.deps.repository.findCustomer(id) : null;
  }

  listAttempts(customerId: string): Promise<KycAttemptRow[]> {
    return this.deps.repository.listAttempts(customerId);
  }

  async createCustomer(input: unknown): Promise<CustomerRow> {
    const details = validateNewCustomer(input);
    const created = await this.callBond(() => this.deps.bond.createCustomer(details));
    return this.deps.repository.insertCustomer(created.customerId, details, created.dateCreated, this.deps.clock());
  }

  async updateCustomer(id: string, input: unknown): Promise<CustomerRow> {
    const changes = validateCustomerChanges(input);
    const { repository } = this.deps;
    const customer = await this.getCustomer(id);
    if (!customer) throw new CustomerNotFound(id);
    assertCanUpdateCustomer(kycStateOf(customer));
    try {
      await this.callBond(() => this.deps.bond.updateCustomer(id, changes));
    } catch (error) {
      if (error instanceof UpstreamRejected && error.bondCode === "kyc_customer") throw new CustomerLocked(customer.kycPassedAt ?? new Date(0));
      throw error;
    }
    return repository.transaction(async (tx) => {
      const locked = await repository.lockCustomer(tx, id);
      if (!locked) throw new CustomerNotFound(id);
      // A pass may have landed while Bond was being called: the seed rule still holds.
      assertCanUpdateCustomer(kycStateOf(locked));
      return repository.updateCustomerDetails(tx, id, changes);
    });
  }

  /**
   * Starts (or replays) a KYC attempt. The attempt is recorded as PENDING, with the submission sealed,
   * before Bond is called, so a crash cannot lose it; the sealed copy is erased once Bond answers.
   */
  async submitKyc(input: KycSubmissionInput): Promise<KycAttemptRow> {
    const submission = validateKycSubmission(input);
    const { repository, vault, clock } = this.deps;
    // During a PII key rotation a stored fingerprint may have been made with the previous key.
    const fingerprints = vault.fingerprints(fingerprintMaterial(submission));
    const fingerprint = fingerprints[0];
    const startedAt = clock();

    const plan = await repository.transaction(async (tx) => {
      const customer = await repository.lockCustomer(tx, submission.customerId);
      if (!customer) throw new CustomerNotFound(submission.customerId);
      const key = submission.idempotencyKey;
      if (key) {
        const stored = await repository.findIdempotencyKey(tx, customer.id, key);
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
        if (decision.kind === "replay") return { send: false as const, attempt: (await repository.findAttempt(decision.attemptId, tx))! };
        if (decision.kind === "resend") {
          const earlier = (await repository.findAttempt(decision.attemptId, tx))!;
          assertCanResendAttempt(
            kycStateOf(customer),
            earlier.round,
            await repository.hasOtherAttemptSince(tx, customer.id, earlier),
            await repository.hasPendingAttempt(tx, customer.id),
          );
          const attempt = await repository.updateAttempt(
            decision.attemptId,
            { status: KycAttemptStatus.PENDING, sealedSubmission: vault.seal(submission) },
            startedAt,
            tx,
          );
          return { send: true as const, resend: true, attempt };
        }
      }
      assertCanStartKyc(kycStateOf(customer), await repository.hasPendingAttempt(tx, customer.id));
      // The attempt opens the customer's next round: Bond's events from now on belong to it.
      const round = await repository.openRound(tx, customer.id);
      const attempt = await repository.insertAttempt(tx, {
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
        await repository.saveIdempotencyKey(tx, {
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
  async resendAbandonedAttempt(attempt: KycAttemptRow): Promise<KycAttemptRow> {
    if (!attempt.sealedSubmission) throw new Error(`Attempt ${attempt.id} is PENDING without its sealed submission.`);
    const submission = this.deps.vault.open<KycSubmission>(attempt.sealedSubmission);
    return this.sendAttempt(attempt, submission, attempt.createdAt, "may-have-reached-bond", "keep-pending");
  }

  /**
   * Asks Bond for a customer's KYC status (a webhook may have been lost) and feeds the answer through
   * the webhook path: stored once, state machine, published. Returns null when Bond has nothing newer
   * than "submitted".
   */
  async reconcileKycStatus(customerId: string): Promise<WebhookOutcome | null> {
    const report = await this.callBond(() => this.deps.bond.getKycStatus(customerId));
    const event = eventFromStatusReport(report);
    return event ? this.ingestBondEvent(event) : null;
  }

  /**
   * `sending` says whether an earlier send of this attempt may have reached Bond (a resend): then a pass
   * Bond reports may be this attempt's own outcome, as it may when Bond's refusal answers a retried request
   * of this send. Bond's answer to the very first request of a first send cannot be (no clocks compared).
   */
  private async sendAttempt(
    attempt: KycAttemptRow,
    submission: KycSubmission,
    startedAt: Date,
    sending: "first-send" | "may-have-reached-bond",
    whenUnavailable: "not-sent" | "keep-pending" = "not-sent",
  ): Promise<KycAttemptRow> {
    const { repository, bond, clock, logger } = this.deps;
    const finish = (changes: Parameters<KycRepository["updateAttempt"]>[1]) =>
      repository.updateAttempt(attempt.id, { sealedSubmission: null, ...changes }, clock());
    // Shown as when the round began (never compared with Bond's times): when the attempt began if Bond got an earlier send.
    let roundStartedAt = startedAt;
    const passedSignal = (passedAt: Date): KycStatusSignal => ({ source: "bond", event: "kyc.verification.success", occurredAt: passedAt, occurredAtMicros: passedAt.getTime() * 1000 });
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
        await this.applySignal(submission.customerId, passedSignal(error.passedAt));
      } else if (error instanceof BondKycAlreadyPassedError) {
        await finish({ status: KycAttemptStatus.REJECTED, rejectionCode: error.code });
        // Bond is the authority: record the pass it reports, so later calls are refused without asking it.
        await this.applySignal(submission.customerId, passedSignal(error.passedAt));
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
      const updated = await repository.updateAttempt(attempt.id, { status: KycAttemptStatus.SUBMITTED, sealedSubmission: null, sentAt }, sentAt, tx);
      // Our accepted submission puts its round in SUBMITTED, unless Bond already reported on that round
      // (a fast webhook that beat us here, or a resend after a crash): Bond's word is never overwritten.
      const result = await this.applySignalInTransaction(tx, submission.customerId, { source: "submission", event: "kyc.submitted", round: attempt.round, occurredAt: roundStartedAt });
      if (result.attemptStatus) return { change: result.change, attempt: await repository.findAttempt(attempt.id, tx) };
      // The outcome got here first (a fast webhook, or a resend after a crash): this attempt is the one it was for.
      const customer = await repository.findCustomer(submission.customerId, tx);
      const caughtUp = customer && customer.kycStatus !== KycStatus.NOT_STARTED ? attemptStatusFor(customer.kycStatus) : null;
      if (caughtUp && caughtUp !== updated.status) return { change: result.change, attempt: await repository.updateAttempt(attempt.id, { status: caughtUp }, sentAt, tx) };
      return { change: result.change, attempt: updated };
    });
    if (change) this.deps.bus.publishAfterCommit(change);
    return sent ?? attempt;
  }

  /**
   * The customer's current status, then every later change. Listening starts before the current status
   * is read, and anything not newer (by version) than what was already yielded is dropped, so a watcher
   * never misses a change and never sees its view move backwards.
   */
  async watchKycStatus(customerId: string): Promise<AsyncGenerator<KycStatusChange>> {
    const changes = this.deps.bus.subscribe(customerId);
    const customer = await this.getCustomer(customerId);
    if (!customer) {
      await changes.return?.();
      throw new CustomerNotFound(customerId);
    }
    async function* stream(current: CustomerRow): AsyncGenerator<KycStatusChange> {
      let version = current.kycVersion;
      try {
        yield currentKycStatus(current);
        for await (const change of changes) {
          if (change.version <= version) continue;
          version = change.version;
          yield change;
        }
      } finally {
        await changes.return?.();
      }
    }
    const generator = stream(customer);
    // A generator closed before its first read never runs its `finally`: stop listening here too.
    const closeGenerator = generator.return.bind(generator);
    generator.return = async (value) => {
      await changes.return?.();
      return closeGenerator(value);
    };
    return generator;
  }

  /** Applies a Bond webhook: stores it once, moves the status if the state machine allows, announces the change with its commit. */
  async ingestBondEvent(event: BondKycEvent, delivery?: WebhookDelivery): Promise<WebhookOutcome> {
    const { repository } = this.deps;
    const outcome = await repository.transaction(async (tx) => {
      const customer = await repository.lockCustomer(tx, event.customerId);
      if (!customer) throw new CustomerNotFound(event.customerId);
      // The delivery's receipt commits (or rolls back) with its event: one commit per webhook. It is kept
      // per round: Bond's `submitted` body is the same bytes in every round, and two rounds' copies signed
      // in the same second carry the same signature, yet the later one is a new event.
      const firstDelivery = !delivery || (await this.deps.receipts.recordOnce(tx, `${delivery.signatureHash}:round:${customer.kycRound}`, delivery.receivedAt));
      // The same signed request again (our 2xx got lost, or a captured request replayed): its event was
      // stored with the first one, so this is acknowledged and does nothing a second time.
      if (!firstDelivery) return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      const signal: KycStatusSignal = { source: "bond", event: event.event, occurredAt: event.occurredAt, occurredAtMicros: event.occurredAtMicros };
      const state = kycStateOf(customer);
      const transition = applyKycSignal(state, signal);
      const stored = await repository.insertEventOnce(tx, {
        identity: bondEventIdentity(event, customer.kycRound),
        customerId: customer.id,
        event: event.event,
        occurredAt: event.occurredAt,
        occurredAtMicros: event.occurredAtMicros,
        round: customer.kycRound,
        payload: event.payload,
        outcome: transition.kind === "changed" ? "changed" : transition.reason,
        statusAfter: transition.state.status,
      });
      if (!stored) return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      if (transition.kind === "ignored" && transition.reason === "unchanged" && transition.state.status !== KycStatus.PASSED && (isNewerBondEvent(state, signal) || transition.state.statusRound !== state.statusRound)) {
        // The same status again, newer (Bond asks for documents again, or fails a later round too):
        // its details are the current ones, and it is now the latest Bond event applied.
        await repository.saveKycDetails(tx, customer.id, kycDetailsFor(transition.state.status, event), transition.state);
      }
      const { change } = await this.saveTransition(tx, customer, transition, signal, event);
      return { result: transition.kind === "changed" ? ("changed" as const) : transition.reason, kycStatus: transition.state.status, change };
    });
    if (outcome.change) this.deps.bus.publishAfterCommit(outcome.change);
    return { result: outcome.result, kycStatus: outcome.kycStatus };
  }

  /**
   * Keeps a well-signed webhook this API does not act on (stored once by its bytes, with its delivery's
   * receipt) and changes nothing else. "duplicate" when these bytes or this signature came before.
   */
  async recordIgnoredWebhook(ignored: UnsupportedBondEvent, bodyHash: string, delivery: WebhookDelivery): Promise<{ result: "ignored" | "duplicate" }> {
    return this.deps.repository.transaction(async (tx) => {
      if (!(await this.deps.receipts.recordOnce(tx, delivery.signatureHash, delivery.receivedAt))) return { result: "duplicate" as const };
      const stored = await this.deps.receipts.recordIgnoredOnce(tx, {
        bodyHash,
        event: ignored.event,
        reason: ignored.reason,
        customerId: ignored.customerId,
        payload: ignored.payload,
        receivedAt: delivery.receivedAt,
      });
      return { result: stored ? ("ignored" as const) : ("duplicate" as const) };
    });
  }

  private async applySignal(customerId: string, signal: KycStatusSignal): Promise<void> {
    const { change } = await this.deps.repository.transaction((tx) => this.applySignalInTransaction(tx, customerId, signal));
    if (change) this.deps.bus.publishAfterCommit(change);
  }

  private async applySignalInTransaction(tx: Transaction, customerId: string, signal: KycStatusSignal) {
    const customer = await this.deps.repository.lockCustomer(tx, customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    return this.saveTransition(tx, customer, applyKycSignal(kycStateOf(customer), signal), signal, null);
  }

  private async saveTransition(
    tx: Transaction,
    customer: LockedCustomer,
    transition: ReturnType<typeof applyKycSignal>,
    signal: KycStatusSignal,
    /** The webhook behind the signal, for the details it carries (documents, reasons, fields to fix). */
    event: Pick<BondKycEvent, "documents" | "failureReasons" | "incorrectInformation"> | null,
  ): Promise<{ change: KycStatusChange | null; attemptStatus: KycAttemptStatus | null }> {
    if (transition.kind !== "changed") return { change: null, attemptStatus: null };
    const { repository, clock } = this.deps;
    const saved = await repository.saveKycState(tx, customer.id, {
      ...transition.state,
      event: signal.event,
      ...kycDetailsFor(transition.to, event),
    });
    const attempt = await repository.updateLatestAcceptedAttempt(tx, customer.id, transition.state.statusRound, attemptStatusFor(transition.to), clock());
    const attemptStatus = attempt ? attemptStatusFor(transition.to) : null;
    // The pass is the customer's (Bond's webhooks name no program); the attempt it belongs to says which program.
    if (attempt && transition.to === KycStatus.PASSED) await repository.savePassedProgram(tx, customer.id, attempt.programId);
    const change: KycStatusChange = {
      customerId: customer.id,
      status: transition.to,
      previousStatus: transition.from,
      occurredAt: signal.occurredAt ?? clock(),
      event: signal.event,
      version: saved.kycVersion,
    };
    // Written in this transaction (on Postgres: an outbox row), so it is announced if and only if the change commits.
    await this.deps.bus.publishInTransaction(tx, change);
    return { attemptStatus, change };
  }

  /**
   * Checks a supporting document and forwards it to Bond. Only documents Bond asked for (and still
   * needs) are sent; once Bond accepts one it leaves the still-required list. The file is never stored
   * or logged: it lives in this request's memory only.
   */
  async uploadKycDocument(input: KycDocumentUploadInput): Promise<KycDocumentUploadResult> {
    const { customerId, upload } = validateKycDocumentUpload(input, this.deps.documentMaxBytes ?? DEFAULT_KYC_DOCUMENT_MAX_BYTES);
    const { repository } = this.deps;
    const customer = await repository.findCustomer(customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    if (customer.kycStatus !== KycStatus.DOCUMENT_REQUIRED || !customer.kycDocumentsRequired.includes(upload.document)) {
      throw new KycDocumentNotRequired(upload.document, customer.kycStatus, customer.kycStatus === KycStatus.DOCUMENT_REQUIRED ? customer.kycDocumentsRequired : []);
    }
    const { numDocumentsSubmitted } = await this.callBond(() => this.deps.bond.uploadKycDocument(customerId, upload));
    const updated = await repository.transaction(async (tx) => {
      if (!(await repository.lockCustomer(tx, customerId))) throw new CustomerNotFound(customerId);
      const locked = (await repository.findCustomer(customerId, tx))!;
      // Bond may already have moved on (under_review arrives once everything is in): then there is nothing to shrink.
      if (locked.kycStatus !== KycStatus.DOCUMENT_REQUIRED) return locked;
      return repository.saveKycDetails(tx, customerId, { documentsRequired: documentsStillRequired(locked.kycDocumentsRequired, upload.document) });
    });
    this.deps.logger.info({ customerId, document: upload.document, files: upload.document === "government_id" ? (upload.backImage ? 2 : 1) : 1 }, "KYC document forwarded to Bond");
    return { customerId, document: upload.document, numDocumentsSubmitted, customer: updated };
  }

  /** Operators' list: one page of customers, newest first, with Relay-style edges and cursors. */
  async listCustomers(input: CustomerListInput) {
    const query = validateCustomerListQuery(input);
    const rows = await this.deps.repository.listCustomers(query);
    return toPage(rows, query.first, (row) => ({ createdAt: row.cursorCreatedAt, id: row.id }));
  }

  /** The webhooks stored for a customer, oldest first; CUSTOMER_NOT_FOUND if there is no such customer. */
  async listKycEvents(customerId: string) {
    const customer = await this.getCustomer(customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    return this.deps.repository.listEvents(customer.id);
  }

  /** Maps Bond client failures that are not specific to one use case. */
  private async callBond<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BondUnavailableError) throw new UpstreamUnavailable(error.reason);
      if (error instanceof BondRequestError) {
        if (error.fields) throw new ValidationFailed(camelCaseFields(error.fields), `Bond refused the request (${error.code}).`);
        if (error.status === 404) throw new UpstreamRejected(error.code, "Bond does not know this customer.");
        throw new UpstreamRejected(error.code, error.message);
      }
      throw error;
    }
  }
}
