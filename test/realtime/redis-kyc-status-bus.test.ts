import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenDatabase } from "../../src/db/database.js";
import { KycRepository } from "../../src/db/kyc-repository.js";
import { KycStatus } from "../../src/domain/kyc-status.js";
import { currentKycStatus } from "../../src/kyc/kyc-service.js";
import { createRedisKycStatusBus, type RedisKycStatusBus } from "../../src/realtime/redis-kyc-status-bus.js";
import { killRedisClients, redisUnavailable, TEST_REDIS_URL } from "../support/redis.js";
import { until } from "../support/fixtures.js";
import { changeTo, drain, insertTestCustomer } from "../support/status-bus.js";
import { createTestDatabase } from "../support/test-database.js";

const whyNot = process.env.DATABASE_URL ? await redisUnavailable() : "needs DATABASE_URL (the outbox is in Postgres)";
if (whyNot) console.warn(whyNot);

describe.skipIf(whyNot !== null)("the Redis status bus (outbox in Postgres, relayed to Redis pub/sub)", () => {
  let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;
  let database: OpenDatabase;
  let repository: KycRepository;
  let a: RedisKycStatusBus;
  let b: RedisKycStatusBus;
  const name = `kyc-redis-test-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDatabase.url, dataDir: null });
    repository = new KycRepository(database.db);
    const options = (instance: string) => ({
      redisUrl: TEST_REDIS_URL,
      databaseUrl: testDatabase.url!,
      loadCurrent: async (ids: string[]) => (await repository.customers.findKycStatuses(ids)).map(currentKycStatus),
      logger: pino({ level: "silent" }),
      connectionName: `${name}-${instance}`,
      retryDelayMs: 100,
      outboxPollIntervalMs: 500,
    });
    a = await createRedisKycStatusBus(options("a"));
    b = await createRedisKycStatusBus(options("b"));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  const newCustomer = () => insertTestCustomer(repository);

  it("publishes a committed change to the other instance after commit, never a rolled-back one", async () => {
    const customerId = await newCustomer();
    const onB = drain(b.subscribe(customerId));
    const rolledBack = changeTo(customerId, KycStatus.UNDER_REVIEW, 1);
    await expect(
      database.db.transaction(async (tx) => {
        await a.publishInTransaction(tx, rolledBack);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    a.publishAfterCommit(rolledBack); // the service never does this; even so, nothing goes out
    const committed = changeTo(customerId, KycStatus.SUBMITTED, 1);
    await database.db.transaction((tx) => a.publishInTransaction(tx, committed));
    a.publishAfterCommit(committed);
    await until(() => onB.length === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(onB).toEqual([committed]);
  });

  it("hands a change to the committing instance's subscribers once (not again from Redis) and to the other's", async () => {
    const customerId = await newCustomer();
    const onA = drain(a.subscribe(customerId));
    const onB = drain(b.subscribe(customerId));
    const committed = changeTo(customerId, KycStatus.SUBMITTED, 1);
    await database.db.transaction((tx) => a.publishInTransaction(tx, committed));
    a.publishAfterCommit(committed);
    await until(() => onA.length === 1 && onB.length === 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(onA).toEqual([committed]);
    expect(onB).toEqual([committed]);
  });

  it("relays a committed change its instance never relayed (died after the commit) through the outbox poller", async () => {
    const customerId = await newCustomer();
    const onB = drain(b.subscribe(customerId));
    await database.db.transaction((tx) => a.publishInTransaction(tx, changeTo(customerId, KycStatus.UNDER_REVIEW, 1)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onB).toEqual([]);
    await until(() => onB.length === 1, 10_000);
    expect(onB).toEqual([changeTo(customerId, KycStatus.UNDER_REVIEW, 1)]);
  });

  it("reconnects after its Redis connections are killed, re-syncs what it missed, and keeps delivering", async () => {
    const customerId = await newCustomer();
    const onB = drain(b.subscribe(customerId));
    // Committed and never announced: only B's re-sync after its reconnect can bring it.
    await database.db.transaction((tx) =>
      repository.statuses.saveKycState(tx, customerId, {
        status: KycStatus.UNDER_REVIEW,
        statusAt: new Date("2026-01-01T00:00:05Z"),
        passedAt: null,
        round: 1,
        statusRound: 1,
        bondTimeMicros: null,
        event: "kyc.verification.under_review",
        documentsRequired: [],
        failureReasons: null,
        incorrectInformation: [],
      }),
    );
    expect(await killRedisClients(`${name}-b`)).toBe(2);
    await until(() => !b.listening || onB.length === 1);
    await b.whenListening();
    await until(() => onB.length === 1);
    expect(onB[0]).toMatchObject({ customerId, status: KycStatus.UNDER_REVIEW, version: 1 });

    const passed = changeTo(customerId, KycStatus.PASSED, 2);
    await database.db.transaction((tx) => a.publishInTransaction(tx, passed));
    a.publishAfterCommit(passed);
    await until(() => onB.length === 2);
    // And B can still publish (its publisher connection was killed too).
    const failed = changeTo(customerId, KycStatus.FAILED, 3);
    const onA = drain(a.subscribe(customerId));
    await database.db.transaction((tx) => b.publishInTransaction(tx, failed));
    b.publishAfterCommit(failed);
    await until(() => onA.length === 1 && onB.length === 3, 10_000);
    expect(onB.map((change) => change.version)).toEqual([1, 2, 3]);
  });
});
