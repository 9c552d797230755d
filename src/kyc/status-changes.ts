/* eslint-disable max-lines -- the status core: every way a status moves (ingest, apply, reconcile) and watching it, kept together so the ordering rules read in one place */
import type { BondApi } from "../bond/bond-client.js";
import type { Transaction } from "../db/database.js";
import type { KycRepository } from "../db/kyc-repository.js";
import { EVENT_STORED_MEANWHILE, type KycStatusRepository } from "../db/kyc-status-repository.js";
import { commitWithLastStatement } from "../db/pipelined-transaction.js";
import type { WebhookReceiptRepository } from "../db/webhook-receipts.js";
import { bondEventIdentity, type BondKycEvent, type UnsupportedBondEvent } from "../domain/bond-webhook.js";
import type { Clock } from "../domain/clock.js";
import { CustomerNotFound, ValidationFailed } from "../domain/errors.js";
import type { KycAttemptStatus } from "../domain/kyc-attempt.js";
import { kycStateOf, type CustomerKycStatus } from "../domain/kyc-records.js";
import { decideKycChange, type KycStatusDecision } from "../domain/kyc-status-change.js";
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

  /**
   * Applies a Bond webhook: stores it once, moves the status if the state machine allows, announces the change
   * with its commit. Two statements inside the transaction (on Postgres, two round trips in all: BEGIN goes
   * with the first, COMMIT with the last): one locks the customer, records the delivery's receipt and reads
   * the state; after the decision (in TypeScript), one writes everything it says, sent together with the
   * announcement and COMMIT.
   */
  async ingestBondEvent(event: BondKycEvent, delivery?: WebhookDelivery): Promise<WebhookOutcome> {
    try {
      return await this.ingestOnce(event, delivery);
    } catch (error) {
      // A copy of the event was committed while this one waited for the customer's lock (two deliveries of it
      // at once): nothing of this attempt was kept; again, it now finds the copy and answers "duplicate".
      if (!isEventStoredMeanwhile(error)) throw error;
      return this.ingestOnce(event, delivery);
    }
  }

  private async ingestOnce(event: BondKycEvent, delivery?: WebhookDelivery): Promise<WebhookOutcome> {
    const { repository, bus, clock } = this.deps;
    // An event with a time is the same event in every round, so whether it is stored can be read with the lock;
    // one without (`submitted`) is one per round, known once the lock has read the round.
    const knownIdentity = event.occurredAtMicros === null ? null : bondEventIdentity(event, 0);
    const outcome = await repository.transaction(async (tx) => {
      // The delivery's receipt commits (or rolls back) with its event: one commit per webhook. It is kept
      // per round: Bond's `submitted` body is the same bytes in every round, and two rounds' copies signed
      // in the same second carry the same signature, yet the later one is a new event.
      const customer = await repository.statuses.lockForEvent(tx, event.customerId, delivery ?? null, knownIdentity);
      if (!customer) throw new CustomerNotFound(event.customerId);
      // The same signed request again (our 2xx got lost, or a captured request replayed), or the same event in
      // another delivery: it was stored with the first one, so this is acknowledged and does nothing a second time.
      if (!customer.firstDelivery || customer.eventStored)
        return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      const signal: KycStatusSignal = {
        source: "bond",
        event: event.event,
        occurredAt: event.occurredAt,
        occurredAtMicros: event.occurredAtMicros,
      };
      const decision = decideKycChange(kycStateOf(customer), signal, event);
      const change = this.changeOf(customer, decision, signal);
      const saving = repository.statuses.saveDecision(tx, customer.id, decision, {
        event: {
          identity: knownIdentity ?? bondEventIdentity(event, customer.kycRound),
          customerId: customer.id,
          event: event.event,
          occurredAt: event.occurredAt,
          occurredAtMicros: event.occurredAtMicros,
          round: customer.kycRound,
          payload: event.payload,
        },
        // Known to be new under the lock: the announcement can go with the writes (a copy stored meanwhile fails both).
        eventMustBeNew: customer.eventStored === false,
        change: change ?? undefined,
        now: clock(),
      })!;
      if (customer.eventStored === false) {
        // The writes, the announcement and COMMIT in one round trip (on Postgres; see commitWithLastStatement).
        const [saved] = await Promise.all([saving, change ? bus.publishInTransaction(tx, change) : null, commitWithLastStatement()]);
        assertVersion(saved.kycVersion, change);
        return { result: decision.outcome, kycStatus: decision.transition.state.status, change };
      }
      const saved = await saving;
      if (!saved.eventStored) return { result: "duplicate" as const, kycStatus: customer.kycStatus, change: null };
      assertVersion(saved.kycVersion, change);
      if (change) await bus.publishInTransaction(tx, change);
      return { result: decision.outcome, kycStatus: decision.transition.state.status, change };
    });
    if (outcome.change) bus.publishAfterCommit(outcome.change);
    return { result: outcome.result, kycStatus: outcome.kycStatus };
  }

  /** The change a decision makes, as announced (the version is the locked one plus one); null when the status stays. */
  private changeOf(
    customer: { id: string; kycVersion: number },
    decision: KycStatusDecision,
    signal: KycStatusSignal,
  ): KycStatusChange | null {
    const { save, transition } = decision;
    if (save?.kind !== "status" || transition.kind !== "changed" || !decision.attemptStatus) return null;
    return {
      customerId: customer.id,
      status: transition.to,
      previousStatus: transition.from,
      occurredAt: signal.occurredAt ?? this.deps.clock(),
      event: signal.event,
      version: customer.kycVersion + 1,
    };
  }

  /**
   * Keeps a well-signed webhook this API does not act on (stored once by its bytes, with its delivery's
   * receipt) and changes nothing else. "duplicate" when these bytes or this signature came before.
   */
  async recordIgnoredWebhook(
    ignored: UnsupportedBondEvent,
    bodyHash: string,
    delivery: WebhookDelivery,
  ): Promise<{ result: "ignored" | "duplicate" }> {
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
  async applySignalInTransaction(
    tx: Transaction,
    customerId: string,
    signal: KycStatusSignal,
  ): Promise<{ change: KycStatusChange | null; attemptStatus: KycAttemptStatus | null }> {
    const { repository, bus, clock } = this.deps;
    const customer = await repository.statuses.lockForEvent(tx, customerId, null, null);
    if (!customer) throw new CustomerNotFound(customerId);
    const decision = decideKycChange(kycStateOf(customer), signal, null);
    const change = this.changeOf(customer, decision, signal);
    const saving = repository.statuses.saveDecision(tx, customer.id, decision, { change: change ?? undefined, now: clock() });
    if (!saving) return { change: null, attemptStatus: null };
    // Written in this transaction (on Postgres: an outbox row), so it is announced if and only if the change commits.
    const [saved] = await Promise.all([saving, change ? bus.publishInTransaction(tx, change) : null]);
    assertVersion(saved.kycVersion, change);
    return { change, attemptStatus: change && saved.attemptUpdated ? decision.attemptStatus : null };
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
        // Taken out of `first`, which this generator holds for the subscription's life: what was sent goes.
        for (let change = first.shift(); change; change = first.shift()) {
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
    if (afterVersion > customer.kycVersion)
      throw new ValidationFailed({ afterVersion: [`is ahead of this customer's current version (${customer.kycVersion})`] });
    if (afterVersion === customer.kycVersion) return [];
    const history = await this.deps.repository.statuses.listStatusChangesAfter(customer.id, afterVersion);
    return history[0]?.version === afterVersion + 1 ? history : [currentKycStatus(customer)];
  }
}

/** The customer's version after the writes is the locked one plus one (the lock held in between): the announced one. */
function assertVersion(saved: number | null, change: KycStatusChange | null): void {
  if (change && saved !== change.version) throw new Error(`kyc version ${saved} saved where ${change.version} was announced`);
}

function isEventStoredMeanwhile(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === EVENT_STORED_MEANWHILE) return true;
  }
  return false;
}

function assertResumableVersion(afterVersion: number): void {
  if (!Number.isSafeInteger(afterVersion) || afterVersion < 0)
    throw new ValidationFailed({ afterVersion: ["must be a version this API sent (an integer, 0 or more)"] });
}

/** Stored changes after `after` up to `upTo`, oldest first; none when the history cannot be read (the caller then moves on to the latest state, as before the history existed). */
async function changesBetween(
  history: Pick<KycStatusRepository, "listStatusChangesAfter">,
  customerId: string,
  after: number,
  upTo: number,
): Promise<KycStatusChange[]> {
  try {
    return (await history.listStatusChangesAfter(customerId, after)).filter((change) => change.version <= upTo);
  } catch {
    return [];
  }
}
