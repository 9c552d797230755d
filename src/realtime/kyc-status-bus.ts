import type { Logger } from "pino";
import type { Transaction } from "../db/database.js";
import type { KycStatus } from "../domain/kyc-status.js";

/** A committed change of a customer's KYC status, as subscribers receive it. */
export interface KycStatusChange {
  customerId: string;
  status: KycStatus;
  previousStatus: KycStatus | null;
  occurredAt: Date;
  /** The Bond event behind the change (`kyc.verification.success`, …; `kyc.submitted` for a submission). */
  event: string | null;
  /** The customer's status version after the change: strictly increasing per customer. */
  version: number;
}

/**
 * Carries status changes from whoever commits them to the subscribers of that customer, on every
 * instance. A change is handed over twice: `publishInTransaction` inside the transaction that makes
 * it (a bus that can announce transactionally does so there, so a rolled-back change is never sent and
 * a committed one always is) and `publishAfterCommit` once it has committed (a bus that cannot does it
 * then). `subscribe` listens from the moment it is called (not from the first `next()`), so a caller can
 * subscribe, then read the current state, and miss nothing in between.
 */
export interface KycStatusBus {
  publishInTransaction(tx: Transaction, change: KycStatusChange): Promise<void>;
  publishAfterCommit(change: KycStatusChange): void;
  subscribe(customerId: string): AsyncIterableIterator<KycStatusChange>;
  close(): Promise<void>;
}

/**
 * One instance's subscribers, by customer: a plain push queue per subscriber. Kept small on purpose:
 * an idle subscription costs one Set entry and one object (it is multiplied by tens of thousands).
 */
/** What the cross-instance buses (Postgres LISTEN, Redis) share: the outbox's database, the re-sync, the retry timing. */
export interface CrossInstanceBusOptions {
  /** The Postgres the outbox lives in (the status transactions' database). */
  databaseUrl: string;
  /** The current status of these customers: re-syncs local subscribers after the transport was lost. */
  loadCurrent: (customerIds: string[]) => Promise<KycStatusChange[]>;
  logger: Logger;
  /** Delay before reconnecting a lost transport, doubled per failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Bound on opening a connection (and on one attempt), so a retry never waits on a dead handshake. */
  connectTimeoutMs?: number;
  /** The outbox poller's period (and the age at which a row counts as left behind). */
  outboxPollIntervalMs?: number;
}

/** A bus that spans instances: its transport can be lost and come back. */
export interface CrossInstanceKycStatusBus extends KycStatusBus {
  /** True while the transport (LISTEN connection, Redis subscription) is up. */
  readonly listening: boolean;
  /** Resolves once the transport is (again) up and subscribers were re-synced. */
  whenListening(): Promise<void>;
  /** Relays outbox rows left behind now, instead of at the next poll (tests). */
  pollOutbox(): Promise<number>;
}

const RESYNC_BATCH = 1000;

/** A customer's local subscribers, and the newest version handed to them. */
class CustomerSubscribers extends Set<Subscriber> {
  version = -1;
}

export class LocalSubscribers {
  private readonly byCustomer = new Map<string, CustomerSubscribers>();

  get customerIds(): string[] {
    return [...this.byCustomer.keys()];
  }

  get size(): number {
    let count = 0;
    for (const subscribers of this.byCustomer.values()) count += subscribers.size;
    return count;
  }

  /**
   * After a cross-instance transport was lost and is back: re-reads the current status of every customer
   * with a local subscriber (in batches) and pushes it; subscribers drop what is not newer than what they
   * have, by version, and fill a gap from the history. Returns how many customers were re-synced.
   */
  async resync(loadCurrent: (customerIds: string[]) => Promise<KycStatusChange[]>): Promise<number> {
    const ids = this.customerIds;
    for (let start = 0; start < ids.length; start += RESYNC_BATCH) {
      for (const change of await loadCurrent(ids.slice(start, start + RESYNC_BATCH))) this.deliver(change);
    }
    return ids.length;
  }

  /**
   * Hands the change to the customer's local subscribers, unless they were already handed this version or a
   * newer one: a change committed here is delivered right after its commit and heard again from the
   * transport (LISTEN, Redis), and a re-sync repeats the current state. Dropping it here, once per customer,
   * spares every subscriber the wake-up. A subscriber that joined after the newer version was handed out
   * misses nothing: it subscribes before reading the current state, which is at least that version.
   */
  deliver(change: KycStatusChange): void {
    const subscribers = this.byCustomer.get(change.customerId);
    if (!subscribers || change.version <= subscribers.version) return;
    subscribers.version = change.version;
    for (const subscriber of subscribers) subscriber.push(change);
  }

  subscribe(customerId: string): AsyncIterableIterator<KycStatusChange> {
    let subscribers = this.byCustomer.get(customerId);
    if (!subscribers) this.byCustomer.set(customerId, (subscribers = new CustomerSubscribers()));
    const subscriber = new Subscriber(subscribers, customerId, this.byCustomer);
    subscribers.add(subscriber);
    return subscriber;
  }

  closeAll(): void {
    for (const subscribers of [...this.byCustomer.values()]) for (const subscriber of [...subscribers]) subscriber.end();
    this.byCustomer.clear();
  }
}

class Subscriber implements AsyncIterableIterator<KycStatusChange> {
  // Created on the first change that waits: an idle subscriber holds no array.
  private queue: KycStatusChange[] | null = null;
  private waiting: ((result: IteratorResult<KycStatusChange>) => void) | null = null;
  private done = false;

  // No closure per subscriber: the set it is in, and where that set is kept.
  constructor(
    private readonly subscribers: CustomerSubscribers,
    private readonly customerId: string,
    private readonly byCustomer: Map<string, CustomerSubscribers>,
  ) {}

  push(change: KycStatusChange): void {
    if (this.done) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake({ done: false, value: change });
    } else {
      (this.queue ??= []).push(change);
    }
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue = null;
    const { subscribers, customerId, byCustomer } = this;
    subscribers.delete(this);
    if (subscribers.size === 0 && byCustomer.get(customerId) === subscribers) byCustomer.delete(customerId);
    const wake = this.waiting;
    this.waiting = null;
    wake?.({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<KycStatusChange>> {
    if (this.queue && this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift()! });
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<KycStatusChange>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<KycStatusChange> {
    return this;
  }
}

/**
 * The bus for one process (the embedded PGlite database has a single user): changes go to local
 * subscribers after their transaction commits.
 */
export function createInProcessKycStatusBus(): KycStatusBus {
  const local = new LocalSubscribers();
  return {
    async publishInTransaction() {
      // Nothing to do before the commit: the change is delivered by publishAfterCommit.
    },
    publishAfterCommit(change) {
      local.deliver(change);
    },
    subscribe: (customerId) => local.subscribe(customerId),
    async close() {
      local.closeAll();
    },
  };
}
