import type { Logger } from "pino";
import type { SandboxDelivery } from "./bond-sandbox.js";
import { NO_WEBHOOK_FAULTS, type WebhookFaults } from "./faults.js";
import { sandboxSignatureHeader } from "./signing.js";

/** How long one delivery attempt may take before it counts as a network error. */
const DELIVERY_TIMEOUT_MS = 5_000;

export interface WebhookSenderOptions {
  /** Where a webhook goes (the subscriptions it matches), read before it is sent: the receiver's port is known only once the server listens. */
  targets: (body: Record<string, unknown>) => string[];
  secret: string;
  /** The signed-string template (see signing.ts); Bond's assumed convention by default. */
  signedContent?: string;
  clock: () => Date;
  retry: { attempts: number; baseDelayMs: number };
  logger?: Logger;
  /** Read at each step: duplicate, reorder or lose webhooks on purpose. */
  faults?: () => WebhookFaults;
  random?: () => number;
}

export interface WebhookSender {
  readonly deliveries: readonly SandboxDelivery[];
  /**
   * Queues a webhook for a customer. Each customer's webhooks go out one after the other: `delayMs`
   * counts from when the previous one for that customer is done. `build` runs at send time (so the
   * event's time and the state change it stands for happen then), even if there is no URL to send to.
   */
  enqueue(customerId: string, delayMs: number, build: () => Record<string, unknown>): void;
  /** Resolves when nothing is queued, waiting or in flight. */
  idle(): Promise<void>;
  /** Cancels every wait (queued webhooks and retry back-offs), then waits for requests in flight. */
  close(): Promise<void>;
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const deliveries: SandboxDelivery[] = [];
  /** The last queued job of each customer; the next one chains onto it. */
  const lastJobOfCustomer = new Map<string, Promise<void>>();
  const pendingJobs = new Set<Promise<void>>();
  /** Every running timer and how to cancel it, so `close()` leaves none behind. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  /** Resolves true after `ms`, or false at once if the sender is (or becomes) closed. */
  function wait(ms: number): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(true);
      }, ms);
      timers.set(timer, () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      });
    });
  }

  const faults = () => options.faults?.() ?? NO_WEBHOOK_FAULTS;
  const random = options.random ?? Math.random;

  async function post(url: string, rawBody: string, ageSeconds = 0): Promise<number | "network-error"> {
    // Signed with the injected clock's time: the receiver checks the timestamp against the same clock.
    // Copies sent in the same second are dated a little earlier each, as separate deliveries would be.
    const timestamp = Math.floor(options.clock().getTime() / 1000) - ageSeconds;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Bond-Signature": sandboxSignatureHeader(options.secret, timestamp, rawBody, options.signedContent),
        },
        body: rawBody,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined); // drain, so the connection can be reused
      return response.status;
    } catch {
      return "network-error";
    }
  }

  /** Fault mode: the same delivery again, several times at once, as Bond's at-least-once delivery may do. */
  async function sendDuplicates(url: string, body: Record<string, unknown>, rawBody: string): Promise<void> {
    const copies = faults().duplicates;
    if (copies <= 0) return;
    await Promise.all(
      Array.from({ length: copies }, async (_, index) => {
        const status = await post(url, rawBody, index + 1);
        deliveries.push({ body, status, attempt: 1, url, duplicate: true });
      }),
    );
  }

  /**
   * Delivers one webhook to every subscription it matches, retrying (per URL) a non-2xx answer or a
   * network error with exponential back-off. The targets are read again before each retry, so a
   * subscription deleted meanwhile gets nothing more.
   */
  async function deliver(body: Record<string, unknown>): Promise<void> {
    const rawBody = JSON.stringify(body); // the exact bytes sent and signed, the same on every attempt
    const { attempts, baseDelayMs } = options.retry;
    const what = { customerId: body.customer_id, event: body.event ?? `kyc_status:${String(body.kyc_status)}` };
    const delivered = new Set<string>();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (closed) return;
      const pending = options.targets(body).filter((url) => !delivered.has(url));
      if (pending.length === 0) return;
      const failed = await Promise.all(
        pending.map(async (url) => {
          const status = await post(url, rawBody);
          deliveries.push({ body, status, attempt, url });
          if (typeof status === "number" && status >= 200 && status < 300) {
            delivered.add(url);
            options.logger?.debug({ ...what, status, attempt }, "webhook delivered");
            await sendDuplicates(url, body, rawBody);
            return false;
          }
          options.logger?.warn({ ...what, status, attempt, giveUp: attempt === attempts }, "webhook delivery failed");
          return true;
        }),
      );
      if (!failed.includes(true)) return;
      if (attempt < attempts && !(await wait(baseDelayMs * 2 ** (attempt - 1)))) return;
    }
  }

  async function run(delayMs: number, build: () => Record<string, unknown>): Promise<void> {
    try {
      if (!(await wait(delayMs))) return;
      const body = build();
      if (faults().drop) {
        options.logger?.debug({ customerId: body.customer_id }, "webhook dropped (fault mode)");
        return;
      }
      await deliver(body);
    } catch (error) {
      // A job must never reject: it would break the customer's chain and `idle()`.
      options.logger?.error({ errorName: error instanceof Error ? error.name : typeof error }, "webhook job failed");
    }
  }

  async function idle(): Promise<void> {
    // Jobs may queue more jobs while we wait, so wait until the set stays empty.
    while (pendingJobs.size > 0) await Promise.all(pendingJobs);
  }

  let closing: Promise<void> | null = null;

  return {
    deliveries,
    enqueue(customerId, delayMs, build) {
      if (closed) return;
      const { reorderWindowMs } = faults();
      // Reorder mode: no chaining, each webhook after its own random wait, so later ones may overtake.
      const previous = reorderWindowMs > 0 ? Promise.resolve() : (lastJobOfCustomer.get(customerId) ?? Promise.resolve());
      const wait = reorderWindowMs > 0 ? delayMs + Math.round(random() * reorderWindowMs) : delayMs;
      const job = previous.then(() => run(wait, build));
      lastJobOfCustomer.set(customerId, job);
      pendingJobs.add(job);
      void job.then(() => {
        pendingJobs.delete(job);
        if (lastJobOfCustomer.get(customerId) === job) lastJobOfCustomer.delete(customerId);
      });
    },
    idle,
    close() {
      closing ??= (async () => {
        closed = true;
        for (const cancel of [...timers.values()]) cancel();
        await idle();
      })();
      return closing;
    },
  };
}
