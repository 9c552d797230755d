import postgres from "postgres";
import { withinDeadline } from "../db/database-deadline.js";
import { LocalSubscribers, type CrossInstanceBusOptions, type CrossInstanceKycStatusBus } from "./kyc-status-bus.js";
import { createStatusOutbox, decodeStatusChange } from "./status-outbox.js";

/** The Postgres channel every instance LISTENs on. */
export const KYC_STATUS_CHANNEL = "kyc_status_changed";

export interface PostgresKycStatusBusOptions extends CrossInstanceBusOptions {
  /** Names the LISTEN connection in pg_stat_activity (max 63 bytes). */
  applicationName?: string;
}

export type PostgresKycStatusBus = CrossInstanceKycStatusBus;

/**
 * Fans status changes out across every API instance through Postgres itself: the transaction that changes
 * the status writes an outbox row (status-outbox.ts); the committing instance hands the change to its own
 * subscribers right after the commit and relays the row with `pg_notify` (in the transaction that deletes the row; a poller relays rows an instance left
 * behind), and a LISTEN connection per instance feeds its local subscribers. (A NOTIFY inside the status
 * transaction itself serialised every committing writer on Postgres's notify lock: BENCHMARKS.md.) When the LISTEN connection drops it is
 * re-established with backoff, and the current state of every customer with a local subscriber is re-read
 * and pushed (subscribers drop what is not newer than what they have, by version).
 */
export async function createPostgresKycStatusBus(options: PostgresKycStatusBusOptions): Promise<PostgresKycStatusBus> {
  const { logger } = options;
  const local = new LocalSubscribers();
  const minDelay = options.retryDelayMs ?? 100;
  const maxDelay = Math.max(options.maxRetryDelayMs ?? 5_000, minDelay);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  let listening = false;
  let closing = false;
  let reconnecting: Promise<void> | null = null;
  let waiters: Array<() => void> = [];

  // A dedicated connection of our own rather than postgres.js's sql.listen: that one silently gives up if
  // its re-LISTEN fails (database still down), and gives no hook to re-sync after a reconnect.
  const listenerOptions = {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: Math.max(connectTimeoutMs / 1000, 0.1),
    // Retries are paced by reestablish() below, not by the driver's own back-off.
    backoff: () => 0,
    onnotice: () => {},
    connection: { application_name: (options.applicationName ?? "kyc-graphql listen").slice(0, 63) },
    // postgres.js's own option (the one its sql.listen uses), missing from its type declarations.
    onnotify(channel: string, payload: string) {
      if (channel !== KYC_STATUS_CHANNEL) return;
      try {
        local.deliver(decodeStatusChange(payload));
      } catch (error) {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, "unreadable kyc status notification");
      }
    },
    onclose() {
      if (closing || !listening) return;
      listening = false;
      logger.warn("LISTEN connection lost; re-establishing");
      void reestablish();
    },
  };
  const listener = postgres(options.databaseUrl, listenerOptions as postgres.Options<Record<string, postgres.PostgresType>>);

  async function listen(): Promise<void> {
    await withinDeadline(listener.unsafe(`listen ${KYC_STATUS_CHANNEL}`), connectTimeoutMs + 1_000, "LISTEN");
    listening = true;
  }

  async function resync(): Promise<void> {
    const customers = await local.resync(options.loadCurrent);
    logger.info({ customers }, "LISTEN re-established; subscribers re-synced");
  }

  function reestablish(): Promise<void> {
    reconnecting ??= (async () => {
      let delay = minDelay;
      while (!closing) {
        try {
          await listen();
          await resync();
          // Lost again while re-syncing (onclose saw this loop running and left it to us): go round.
          if (listening) break;
        } catch (error) {
          logger.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: delay }, "cannot re-establish LISTEN yet");
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
          delay = Math.min(delay * 2, maxDelay);
        }
      }
      reconnecting = null;
      waiters.splice(0).forEach((wake) => wake());
    })();
    return reconnecting;
  }

  await listen();
  const outbox = createStatusOutbox({
    databaseUrl: options.databaseUrl,
    publisher: { kind: "notify", channel: KYC_STATUS_CHANNEL },
    logger,
    pollIntervalMs: options.outboxPollIntervalMs,
    connectTimeoutMs,
    applicationName: (options.applicationName ?? "kyc-graphql listen").replace("listen", "relay"),
  });

  return {
    get listening() {
      return listening;
    },
    whenListening() {
      if (listening && !reconnecting) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    publishInTransaction: (tx, change) => outbox.write(tx, change),
    // Other instances hear it through LISTEN; this one's subscribers get it now (the relay's transaction and
    // the NOTIFY hop are not waited for) and drop the echo LISTEN brings back, by version.
    publishAfterCommit(change) {
      outbox.relayAfterCommit(change);
      local.deliver(change);
    },
    pollOutbox: () => outbox.poll(),
    subscribe: (customerId) => local.subscribe(customerId),
    async close() {
      closing = true;
      local.closeAll();
      waiters.splice(0).forEach((wake) => wake());
      waiters = [];
      await outbox.close();
      await listener.end({ timeout: 1 });
    },
  };
}
