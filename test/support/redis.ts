import { Redis } from "ioredis";

/** The Redis the bus tests use (TEST_REDIS_URL, default the local one CI and this machine run). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Null when Redis answers PING; otherwise why not (the Redis tests skip with it). */
export async function redisUnavailable(url = TEST_REDIS_URL): Promise<string | null> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    return `Redis not reachable at ${url} (${error instanceof Error ? error.message : String(error)}): Redis bus tests skipped`;
  } finally {
    probe.disconnect();
  }
}

/** Kills the Redis connections whose client name contains `nameContains` (CLIENT KILL), as a network cut or Redis restart would. */
export async function killRedisClients(nameContains: string, url = TEST_REDIS_URL): Promise<number> {
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const list = (await admin.client("LIST")) as string;
    const ids = list
      .split("\n")
      .filter((line) => / name=(\S*)/.exec(line)?.[1]?.includes(nameContains))
      .map((line) => / ?id=(\d+)/.exec(line)![1]);
    for (const id of ids) await admin.client("KILL", "ID", id);
    return ids.length;
  } finally {
    admin.disconnect();
  }
}
