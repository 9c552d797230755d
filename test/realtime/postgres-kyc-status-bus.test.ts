import { randomBytes } from "node:crypto";
import { pino } from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenDatabase } from "../../src/db/database.js";
import { KycRepository } from "../../src/db/kyc-repository.js";
import { KycStatus } from "../../src/domain/kyc-status.js";
import { currentKycStatus } from "../../src/kyc/kyc-service.js";
import { createPostgresKycStatusBus, type PostgresKycStatusBus } from "../../src/realtime/postgres-kyc-status-bus.js";
import { until } from "../support/fixtures.js";
import { changeTo, drain, insertTestCustomer } from "../support/status-bus.js";
import { createTestDatabase } from "../support/test-database.js";

describe.skipIf(!process.env.DATABASE_URL)(
  "the Postgres status bus (outbox row in the transaction, pg_notify after commit, LISTEN per instance)",
  () => {
    let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;
    let database: OpenDatabase;
    let repository: KycRepository;
    let bus: PostgresKycStatusBus;
    let admin: postgres.Sql;
    const applicationName = `kyc-bus-test ${randomBytes(4).toString("hex")}`;

    beforeAll(async () => {
      testDatabase = await createTestDatabase();
      database = await openDatabase({ databaseUrl: testDatabase.url, dataDir: null });
      repository = new KycRepository(database.db);
      admin = postgres(testDatabase.url!, { max: 1, onnotice: () => {} });
      bus = await createPostgresKycStatusBus({
        databaseUrl: testDatabase.url!,
        loadCurrent: async (ids) => (await repository.customers.findKycStatuses(ids)).map(currentKycStatus),
        logger: pino({ level: "silent" }),
        applicationName,
        retryDelayMs: 300,
        outboxPollIntervalMs: 500,
      });
    });
    afterAll(async () => {
      await bus?.close();
      await admin?.end();
      await database?.close();
      await testDatabase?.drop();
    });

    const newCustomer = () => insertTestCustomer(repository);

    it("announces a change only when its transaction commits", async () => {
      const customerId = await newCustomer();
      const received = drain(bus.subscribe(customerId));
      await expect(
        database.db.transaction(async (tx) => {
          await bus.publishInTransaction(tx, changeTo(customerId, KycStatus.UNDER_REVIEW, 1));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      const committed = changeTo(customerId, KycStatus.SUBMITTED, 1);
      await database.db.transaction((tx) => bus.publishInTransaction(tx, committed));
      bus.publishAfterCommit(committed);
      await until(() => received.length === 1, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(received).toEqual([changeTo(customerId, KycStatus.SUBMITTED, 1)]);
      const [{ left }] = await admin`select count(*)::int as left from kyc_status_outbox`;
      expect(left).toBe(0);
    });

    it("hands a change to this instance's subscribers once, right after its commit, and to another instance's through LISTEN", async () => {
      const other = await createPostgresKycStatusBus({
        databaseUrl: testDatabase.url!,
        loadCurrent: async (ids) => (await repository.customers.findKycStatuses(ids)).map(currentKycStatus),
        logger: pino({ level: "silent" }),
        applicationName: `${applicationName} other`,
      });
      try {
        const customerId = await newCustomer();
        const here = drain(bus.subscribe(customerId));
        const alsoHere = drain(bus.subscribe(customerId));
        const there = drain(other.subscribe(customerId));
        for (const version of [1, 2]) {
          const change = changeTo(customerId, version === 1 ? KycStatus.SUBMITTED : KycStatus.UNDER_REVIEW, version);
          await database.db.transaction((tx) => bus.publishInTransaction(tx, change));
          bus.publishAfterCommit(change);
        }
        await until(() => there.length === 2, 10_000);
        // The echo LISTEN brings back to this instance has come and gone: still once each, in order.
        for (let tries = 0; (await admin`select count(*)::int as left from kyc_status_outbox`)[0].left !== 0; tries += 1) {
          if (tries > 500) throw new Error("the outbox was not relayed");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await new Promise((resolve) => setTimeout(resolve, 700));
        for (const received of [here, alsoHere, there]) expect(received.map((change) => change.version)).toEqual([1, 2]);
      } finally {
        await other.close();
      }
    });

    it("delivers a change committed here to this instance's subscribers while its LISTEN connection is down", async () => {
      const customerId = await newCustomer();
      const received = drain(bus.subscribe(customerId));
      const [{ pid }] = await admin`select pid from pg_stat_activity where application_name = ${applicationName} and query like 'listen %'`;
      const name = new URL(testDatabase.url!).pathname.slice(1);
      const server = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await server.unsafe(`alter database ${name} with allow_connections false`);
        await admin`select pg_terminate_backend(${pid})`;
        await until(() => !bus.listening);
        const change = changeTo(customerId, KycStatus.SUBMITTED, 1);
        await database.db.transaction((tx) => bus.publishInTransaction(tx, change));
        bus.publishAfterCommit(change);
        await until(() => received.length === 1);
        expect(bus.listening).toBe(false);
        expect(received).toEqual([change]);
      } finally {
        await server.unsafe(`alter database ${name} with allow_connections true`);
        await server.end();
      }
      await bus.whenListening();
      // The re-sync after LISTEN is back repeats version 1: not delivered again.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(received.map((change) => change.version)).toEqual([1]);
    });

    it("relays a committed change whose instance died before relaying it (the outbox poller), once", async () => {
      const customerId = await newCustomer();
      const received = drain(bus.subscribe(customerId));
      // Committed, and then nothing: as if the process had been killed right after its commit.
      await database.db.transaction((tx) => bus.publishInTransaction(tx, changeTo(customerId, KycStatus.UNDER_REVIEW, 1)));
      const [{ waiting }] = await admin`select count(*)::int as waiting from kyc_status_outbox`;
      expect(waiting).toBe(1);
      await until(() => received.length === 1, 10_000);
      expect(received).toEqual([changeTo(customerId, KycStatus.UNDER_REVIEW, 1)]);
      expect(await bus.pollOutbox()).toBe(0);
      const [{ left }] = await admin`select count(*)::int as left from kyc_status_outbox`;
      expect(left).toBe(0);
    });

    it("re-listens after its connection is killed and re-syncs a change it could not hear", async () => {
      const customerId = await newCustomer();
      const received = drain(bus.subscribe(customerId));
      // The LISTEN connection (the outbox relay's has the same name; which comes first depends on earlier tests).
      const [{ pid }] = await admin`select pid from pg_stat_activity where application_name = ${applicationName} and query like 'listen %'`;
      // New connections are refused for a while, so the bus has to retry (existing ones, like the pool's, stay).
      const name = new URL(testDatabase.url!).pathname.slice(1);
      const server = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await server.unsafe(`alter database ${name} with allow_connections false`);
      await admin`select pg_terminate_backend(${pid})`;
      await until(() => !bus.listening);
      // Committed while nobody listens, and never announced: only the re-sync can bring it.
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
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(bus.listening).toBe(false);
      expect(received).toEqual([]);
      await server.unsafe(`alter database ${name} with allow_connections true`);
      await server.end();
      await bus.whenListening();
      await until(() => received.length === 1);
      expect(received[0]).toMatchObject({ customerId, status: KycStatus.UNDER_REVIEW, version: 1, previousStatus: null });
      const [again] = await admin`select pid from pg_stat_activity where application_name = ${applicationName} and query like 'listen %'`;
      expect(again.pid).not.toBe(pid);

      const passed = changeTo(customerId, KycStatus.PASSED, 2);
      await database.db.transaction((tx) => bus.publishInTransaction(tx, passed));
      bus.publishAfterCommit(passed);
      await until(() => received.length === 2);
      expect(received[1]).toMatchObject({ status: KycStatus.PASSED, version: 2 });
    });
  },
);
