import type { Logger } from "pino";
import type { AppConfig } from "../config.js";
import { createInProcessKycStatusBus, type KycStatusBus, type KycStatusChange } from "./kyc-status-bus.js";
import { createPostgresKycStatusBus } from "./postgres-kyc-status-bus.js";

/**
 * The status bus this instance uses: on real Postgres every instance hears every change (the outbox relayed
 * with pg_notify to a LISTEN connection per instance, or through Redis when EVENT_BUS_URL is set); PGlite has
 * one process, and an in-process bus.
 */
export async function createKycStatusBus(options: {
  config: Pick<AppConfig, "databaseUrl" | "database" | "eventBus">;
  databaseKind: "postgres" | "pglite";
  loadCurrent: (customerIds: string[]) => Promise<KycStatusChange[]>;
  logger: Logger;
}): Promise<KycStatusBus> {
  const { config, loadCurrent } = options;
  if (options.databaseKind !== "postgres") return createInProcessKycStatusBus();
  const common = {
    databaseUrl: config.databaseUrl!,
    loadCurrent,
    logger: options.logger.child({ component: "kyc-status-bus" }),
    retryDelayMs: config.database.listenRetryDelayMs,
    maxRetryDelayMs: config.database.listenRetryMaxDelayMs,
    connectTimeoutMs: config.database.connectTimeoutMs,
    outboxPollIntervalMs: config.eventBus.outboxPollIntervalMs,
  };
  if (config.eventBus.redisUrl) {
    // Imported only when configured: ioredis is about 0.15 s of a start that does not use it.
    const { createRedisKycStatusBus } = await import("./redis-kyc-status-bus.js");
    return createRedisKycStatusBus({ ...common, redisUrl: config.eventBus.redisUrl, connectionName: `kyc-graphql pid=${process.pid}` });
  }
  return createPostgresKycStatusBus({ ...common, applicationName: `kyc-graphql listen pid=${process.pid}` });
}
