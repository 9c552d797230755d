import { EventEmitter, on } from "node:events";
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
 * Carries status changes from whoever commits them to the subscribers of that customer.
 * `subscribe` listens from the moment it is called (not from the first `next()`), so a caller can
 * subscribe, then read the current state, and miss nothing in between.
 */
export interface KycStatusBus {
  publish(change: KycStatusChange): void;
  subscribe(customerId: string): AsyncIterableIterator<KycStatusChange>;
  close(): Promise<void>;
}

export function createInProcessKycStatusBus(): KycStatusBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const open = new Set<AsyncIterableIterator<unknown[]>>();
  return {
    publish(change) {
      emitter.emit(change.customerId, change);
    },
    subscribe(customerId) {
      // events.on attaches its listener now and buffers until read.
      const events = on(emitter, customerId) as AsyncIterableIterator<unknown[]>;
      open.add(events);
      const iterator: AsyncIterableIterator<KycStatusChange> = {
        async next() {
          const result = await events.next();
          return result.done ? { done: true, value: undefined } : { done: false, value: result.value[0] as KycStatusChange };
        },
        async return() {
          open.delete(events);
          await events.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async close() {
      await Promise.all([...open].map((events) => events.return?.()));
      open.clear();
    },
  };
}
