import { Redis } from "ioredis";
import { LocalSubscribers, type CrossInstanceBusOptions, type CrossInstanceKycStatusBus } from "./kyc-status-bus.js";
import { createStatusOutbox, decodeStatusChange } from "./status-outbox.js";

/** The Redis channel every instance subscribes to. */
export const KYC_STATUS_REDIS_CHANNEL = "kyc-graphql:kyc-status-changed";

export interface RedisKycStatusBusOptions extends CrossInstanceBusOptions {
  /** redis:// or rediss:// */
  redisUrl: string;
  /** Names this instance's Redis connections (CLIENT LIST) and its relay's Postgres connection. */
  connectionName?: string;
}

export type RedisKycStatusBus = CrossInstanceKycStatusBus;

/**
 * The bus for large fleets (EVENT_BUS_URL=redis://…): changes still go through the Postgres outbox (written
 * in the status transaction, relayed after commit, poller for what an instance left behind), but the relay
 * publishes them to a Redis channel, and every instance feeds its local subscribers from one Redis
 * subscription, so fan-out load leaves Postgres. Redis pub/sub keeps nothing for a subscriber that is
 * away: when the subscription drops, ioredis reconnects with back-off and re-subscribes, and then the current
 * state of every customer with a local subscriber is re-read and pushed (subscribers drop what is not newer
 * than what they have, by version), as the Postgres bus does after its LISTEN connection comes back.
 */
export async function createRedisKycStatusBus(options: RedisKycStatusBusOptions): Promise<RedisKycStatusBus> {
  const { logger } = options;
  const local = new LocalSubscribers();
  const minDelay = options.retryDelayMs ?? 100;
  const maxDelay = Math.max(options.maxRetryDelayMs ?? 5_000, minDelay);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const name = (options.connectionName ?? "kyc-graphql").replace(/[^\w.:=-]+/g, "-");
  const redisOptions = {
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(minDelay * 2 ** Math.max(attempt - 1, 0), maxDelay),
    // Never give up on a command while reconnecting (the subscriber), but bound each publish below.
    maxRetriesPerRequest: null,
    lazyConnect: true,
  };
  const subscriber = new Redis(options.redisUrl, { ...redisOptions, connectionName: `${name}-sub` });
  const publisher = new Redis(options.redisUrl, { ...redisOptions, connectionName: `${name}-pub`, commandTimeout: connectTimeoutMs });
  let listening = false;
  let closing = false;
  let lost = false;
  let resyncing: Promise<void> | null = null;
  let waiters: Array<() => void> = [];

  subscriber.on("message", (channel: string, message: string) => {
    if (channel !== KYC_STATUS_REDIS_CHANNEL) return;
    try {
      local.deliver(decodeStatusChange(message));
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "unreadable kyc status message");
    }
  });
  subscriber.on("error", (error: Error) => {
    if (!closing) logger.warn({ err: error.message }, "Redis subscription error");
  });
  publisher.on("error", (error: Error) => {
    if (!closing) logger.warn({ err: error.message }, "Redis publisher error");
  });
  subscriber.on("close", () => {
    if (closing || !listening) return;
    listening = false;
    lost = true;
    logger.warn("Redis subscription lost; reconnecting");
  });
  subscriber.on("ready", () => {
    if (closing || !lost) return;
    lost = false;
    resyncing ??= (async () => {
      try {
        // ioredis re-subscribes by itself on reconnect; this waits until that is done (and is idempotent).
        await subscriber.subscribe(KYC_STATUS_REDIS_CHANNEL);
        listening = true;
        const customers = await local.resync(options.loadCurrent);
        logger.info({ customers }, "Redis subscription re-established; subscribers re-synced");
      } catch (error) {
        // The re-read failed (database away): try again on the next poll of the connection state.
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not re-sync after the Redis reconnect");
        lost = true;
        subscriber.disconnect(true);
      } finally {
        resyncing = null;
        if (listening && !lost) waiters.splice(0).forEach((wake) => wake());
      }
    })();
  });

  try {
    await Promise.all([subscriber.connect(), publisher.connect()]);
    await subscriber.subscribe(KYC_STATUS_REDIS_CHANNEL);
  } catch (error) {
    closing = true;
    subscriber.disconnect();
    publisher.disconnect();
    throw error;
  }
  listening = true;

  const outbox = createStatusOutbox({
    databaseUrl: options.databaseUrl,
    publisher: {
      kind: "external",
      async publish(payloads) {
        const pipeline = publisher.pipeline();
        for (const payload of payloads) pipeline.publish(KYC_STATUS_REDIS_CHANNEL, payload);
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error("Redis publish did not run");
      },
    },
    logger,
    pollIntervalMs: options.outboxPollIntervalMs,
    connectTimeoutMs,
    applicationName: `${name} relay`,
  });

  return {
    get listening() {
      return listening;
    },
    whenListening() {
      if (listening && !resyncing && !lost) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    publishInTransaction: (tx, change) => outbox.write(tx, change),
    // Every instance (this one too) hears it through its Redis subscription.
    // Other instances hear it through Redis; this one's subscribers get it now and drop the echo, by version.
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
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
