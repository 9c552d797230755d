import type { BondApi } from "../bond/bond-client.js";
import type { Transaction } from "../db/database.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { KycStatusRepository } from "../db/kyc-status-repository.js";
import type { WebhookReceiptRepository } from "../db/webhook-receipts.js";
import { bondEventIdentity, type BondKycEvent, type UnsupportedBondEvent } from "../domain/bond-webhook.js";
import type { Clock } from "../domain/clock.js";
import { CustomerNotFound, ValidationFailed } from "../domain/errors.js";
import type { KycAttemptStatus } from "../domain/kyc-attempt.js";
import { kycStateOf, type CustomerKycState, type CustomerKycStatus } from "../domain/kyc-records.js";
import { decideKycChange, type KycEventDetails, type KycStatusDecision } from "../domain/kyc-status-change.js";
import type { KycStatus, KycStatusSignal } from "../domain/kyc-status.js";
import { eventFromStatusReport } from "../domain/kyc-status-report.js";
import { isUuid } from "../domain/validation.js";
import type { KycStatusBus, KycStatusChange } from "../realtime/kyc-status-bus.js";
import { callBond } from "./bond-calls.js";

/** A customer's current status as a subscriber's first message (or a re-sync) carries it. */
export function currentKycStatus(customer: CustomerKycStatus): KycStatusChange {
  return {
    customerId: customer.id,
    status: customer.kycStatus,
    previousStatus: null,
    occurredAt: customer.kycStatusAt ?? customer.createdAt,
    event: customer.kycStatusEvent,
    version: customer.kycVersion,
  };
}

export type WebhookOutcome = { result: "changed" | "duplicate" | "stale" | "already-passed" | "unchanged"; kycStatus: KycStatus };

/** One webhook delivery: its signature (replay detection) and when it came. */
export interface WebhookDelivery {
  signatureHash: string;
  receivedAt: Date;
}

export interface KycStatusChangesDeps {
  repository: KycRepository;
  /** Webhook signatures already accepted (replay refusal). */
  receipts: WebhookReceiptRepository;
  bond: BondApi;
  bus: KycStatusBus;
  clock: Clock;
}

/**
 * The status core: every way a customer's KYC status moves (Bond's webhooks, a lookup at Bond, our own
 * accepted submission) goes through `decideKycChange` (src/domain/kyc-status-change.ts) under the
 * customer's lock, is saved in that transaction, and is announced with its commit. Watching reads here too.
 */
export class KycStatusChanges {
  constructor(private readonly deps: KycStatusChangesDeps) {}

  /** Applies a Bond webhook: stores it once, moves the status if the state machine allows, announces the change with its commit. */
  async ingestBondEvent(event: BondKycEvent, delivery?: WebhookDelivery): Promise<WebhookOutcome> {
    const { repository, receipts } = this.deps;
    const outcome = await repository.transaction(async (tx) => {
      const customer = await repository.statuses.lockCustomer(tx, event.customerId);
      if (!customer) throw new CustomerNotFound(event.customerId);
      // The delivery's receipt commits (or rolls back) with its event: one commit per webhook. It is kept
      // per round: Bond's `submitted` body is the same bytes in every round, and two rounds' copies signed
      // in the same second carry the same signature, yet the later one is a new event.
      const firstDelivery = !delivery || (await receipts.recordOnce(tx, `${delivery.signatureHash}:round:${customer.kycRound}`, delivery.receivedAt));
      // The same signed request again (our 2xx got lost, or a captured request replayed): its event was
      // stored with the first one, so this is acknowledged and does nothing a second time.
      if (!firstDelivery) return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      const signal: KycStatusSignal = { source: "bond", event: event.event, occurredAt: event.occurredAt, occurredAtMicros: event.occurredAtMicros };
      const decision = decideKycChange(kycStateOf(customer), signal, event);
      const stored = await repository.statuses.insertEventOnce(tx, {
        identity: bondEventIdentity(event, customer.kycRound),
        customerId: customer.id,
        event: event.event,
        occurredAt: event.occurredAt,
        occurredAtMicros: event.occurredAtMicros,
        round: customer.kycRound,
        payload: event.payload,
        outcome: decision.outcome,
        statusAfter: decision.transition.state.status,
      });
      if (!stored) return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      const { change } = await this.save(tx, customer, decision, signal);
      return { result: decision.outcome, kycStatus: decision.transition.state.status, change };
    });
    if (outcome.change) this.deps.bus.publishAfterCommit(outcome.change);
    return { result: outcome.result, kycStatus: outcome.kycStatus };
  }

  /**
   * Keeps a well-signed webhook this API does not act on (stored once by its bytes, with its delivery's
   * receipt) and changes nothing else. "duplicate" when these bytes or this signature came before.
   */
  async recordIgnoredWebhook(ignored: UnsupportedBondEvent, bodyHash: string, delivery: WebhookDelivery): Promise<{ result: "ignored" | "duplicate" }> {
    const { repository, receipts } = this.deps;
    return repository.transaction(async (tx) => {
      if (!(await receipts.recordOnce(tx, delivery.signatureHash, delivery.receivedAt))) return { result: "duplicate" as const };
      const stored = await receipts.recordIgnoredOnce(tx, {
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

  /**
   * Asks Bond for a customer's KYC status (a webhook may have been lost) and feeds the answer through
   * the webhook path: stored once, state machine, published. Returns null when Bond has nothing newer
   * than "submitted".
   */
  async reconcileKycStatus(customerId: string): Promise<WebhookOutcome | null> {
    const report = await callBond(() => this.deps.bond.getKycStatus(customerId));
    const event = eventFromStatusReport(report);
    return event ? this.ingestBondEvent(event) : null;
  }

  /** Applies a signal without a webhook (a pass Bond reported in an error answer) in its own transaction. */
  async applySignal(customerId: string, signal: KycStatusSignal): Promise<void> {
    const { change } = await this.deps.repository.transaction((tx) => this.applySignalInTransaction(tx, customerId, signal));
    if (change) this.deps.bus.publishAfterCommit(change);
  }

  /**
   * Applies a signal inside the caller's transaction (locks the customer). `attemptStatus` is the status the
   * round's accepted attempt took, null when there was none to update or the status did not change.
   */
  async applySignalInTransaction(tx: Transaction, customerId: string, signal: KycStatusSignal): Promise<{ change: KycStatusChange | null; attemptStatus: KycAttemptStatus | null }> {
    const customer = await this.deps.repository.statuses.lockCustomer(tx, customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    return this.save(tx, customer, decideKycChange(kycStateOf(customer), signal, null), signal);
  }

  /** Saves what a decision says and announces a new status in this transaction (on Postgres: pg_notify), so it goes out exactly when the change commits. */
  private async save(
    tx: Transaction,
    customer: CustomerKycState,
    decision: KycStatusDecision,
    signal: KycStatusSignal,
  ): Promise<{ change: KycStatusChange | null; attemptStatus: KycAttemptStatus | null }> {
    const { repository, clock } = this.deps;
    const { save, transition } = decision;
    if (save?.kind === "details") await repository.statuses.saveKycDetails(tx, customer.id, save.details, save.state);
    if (save?.kind !== "status" || transition.kind !== "changed" || !decision.attemptStatus) return { change: null, attemptStatus: null };
    const saved = await repository.statuses.saveStatusChange(tx, customer.id, save, { status: decision.attemptStatus, recordsPass: decision.recordsPass, now: clock() });
    const change: KycStatusChange = {
      customerId: customer.id,
      status: transition.to,
      previousStatus: transition.from,
      occurredAt: signal.occurredAt ?? clock(),
      event: signal.event,
      version: saved.kycVersion,
    };
    await repository.statuses.recordStatusChange(tx, change);
    // Written in this transaction (on Postgres: an outbox row), so it is announced if and only if the change commits.
    await this.deps.bus.publishInTransaction(tx, change);
    return { change, attemptStatus: saved.attemptUpdated ? decision.attemptStatus : null };
  }

  /**
   * The customer's current status, then every later change. Listening starts before the current status
   * is read, and anything not newer (by version) than what was already yielded is dropped, so a watcher
   * never misses a change and never sees its view move backwards.
   *
   * With `afterVersion` (the last version a reconnecting client saw), it yields instead every stored change
   * after that version, oldest first, then the live ones: listening starts before the history is read, so
   * a change committed meanwhile is in one or the other (or both, and then yielded once).
   */
  async watchKycStatus(customerId: string, afterVersion?: number | null): Promise<AsyncGenerator<KycStatusChange>> {
    if (afterVersion != null) assertResumableVersion(afterVersion);
    const changes = this.deps.bus.subscribe(customerId);
    const { repository } = this.deps;
    let first: KycStatusChange[];
    try {
      const customer = isUuid(customerId) ? await repository.customers.findCustomer(customerId) : null;
      if (!customer) throw new CustomerNotFound(customerId);
      first = afterVersion == null ? [currentKycStatus(customer)] : await this.missedChanges(customer, afterVersion);
    } catch (error) {
      await changes.return?.();
      throw error;
    }
    const history = repository.statuses;
    async function* stream(): AsyncGenerator<KycStatusChange> {
      let version = afterVersion ?? -1;
      try {
        for (const change of first) {
          if (change.version <= version) continue;
          version = change.version;
          yield change;
        }
        for await (const change of changes) {
          if (change.version <= version) continue;
          // A gap: changes committed while this instance could not hear them (its LISTEN connection was down;
          // the re-sync then brings only the latest state). The history has them, in order.
          if (version >= 0 && change.version > version + 1) {
            for (const missed of await changesBetween(history, customerId, version, change.version)) {
              version = missed.version;
              yield missed;
            }
            if (change.version <= version) continue;
          }
          version = change.version;
          yield change;
        }
      } finally {
        await changes.return?.();
      }
    }
    const generator = stream();
    // A generator closed before its first read never runs its `finally`: stop listening here too.
    const closeGenerator = generator.return.bind(generator);
    generator.return = async (value) => {
      await changes.return?.();
      return closeGenerator(value);
    };
    return generator;
  }

  /** What a client that saw `afterVersion` missed: the stored changes since, or the current status where the history starts later (changes from before it was kept). */
  private async missedChanges(customer: CustomerKycStatus, afterVersion: number): Promise<KycStatusChange[]> {
    if (afterVersion > customer.kycVersion) throw new ValidationFailed({ afterVersion: [`is ahead of this customer's current version (${customer.kycVersion})`] });
    if (afterVersion === customer.kycVersion) return [];
    const history = await this.deps.repository.statuses.listStatusChangesAfter(customer.id, afterVersion);
    return history[0]?.version === afterVersion + 1 ? history : [currentKycStatus(customer)];
  }
}

function assertResumableVersion(afterVersion: number): void {
  if (!Number.isSafeInteger(afterVersion) || afterVersion < 0) throw new ValidationFailed({ afterVersion: ["must be a version this API sent (an integer, 0 or more)"] });
}

/** Stored changes after `after` up to `upTo`, oldest first; none when the history cannot be read (the caller then moves on to the latest state, as before the history existed). */
async function changesBetween(history: Pick<KycStatusRepository, "listStatusChangesAfter">, customerId: string, after: number, upTo: number): Promise<KycStatusChange[]> {
  try {
    return (await history.listStatusChangesAfter(customerId, after)).filter((change) => change.version <= upTo);
  } catch {
    return [];
  }
}
