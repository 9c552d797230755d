import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KycStatus } from "../../src/domain/kyc-status.js";
import { encodeStatusChange } from "../../src/realtime/status-outbox.js";
import { killRedisClients, redisUnavailable, TEST_REDIS_URL } from "../support/redis.js";
import {
  buildServer,
  createCustomerOn,
  startServerProcess,
  statusesOf,
  subscribeOn,
  type ServerProcess,
} from "../support/server-process.js";
import { createTestDatabase } from "../support/test-database.js";

// Two built servers as real child processes on one Postgres, for each transport of the status bus: the
// default (outbox relayed with pg_notify, LISTEN per instance) and Redis (EVENT_BUS_URL).
const redisWhyNot = process.env.DATABASE_URL ? await redisUnavailable() : null;
if (redisWhyNot) console.warn(redisWhyNot);

beforeAll(() => {
  if (process.env.DATABASE_URL) buildServer();
}, 120_000);

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();

const transports = [
  { name: "Postgres (outbox + pg_notify/LISTEN)", env: {} as Record<string, string>, skip: !process.env.DATABASE_URL },
  { name: "Redis (EVENT_BUS_URL)", env: { EVENT_BUS_URL: TEST_REDIS_URL }, skip: !process.env.DATABASE_URL || redisWhyNot !== null },
];

describe.each(transports)("two API instances, status bus over $name", ({ env, skip }) => {
  if (skip) {
    it.skip(process.env.DATABASE_URL ? (redisWhyNot ?? "") : "needs DATABASE_URL", () => {});
    return;
  }
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: postgres.Sql;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = postgres(database.url!, { max: 1, onnotice: () => {} });
    const shared = {
      DATABASE_URL: database.url!,
      BOND_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
      PII_KEY: randomBytes(32).toString("base64"),
      EVENT_BUS_OUTBOX_POLL_MS: "500",
      ...env,
    };
    a = await startServerProcess(shared);
    b = await startServerProcess(shared);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin?.end();
    await database?.drop();
  });

  it("delivers a webhook posted to instance A to a subscriber on instance B, and leaves no outbox row", async () => {
    const customerId = await createCustomerOn(a);
    const onB = subscribeOn(b, customerId);
    await onB.waitFor(1);
    const response = await a.postWebhook({ customer_id: customerId, kyc_status: "submitted" });
    expect(response).toMatchObject({ status: 200, body: { result: "changed", kycStatus: "SUBMITTED" } });
    await onB.waitFor(2);
    expect(statusesOf(onB)).toEqual([
      ["NOT_STARTED", 0],
      ["SUBMITTED", 1],
    ]);
    const [{ left }] = await admin`select count(*)::int as left from kyc_status_outbox`;
    expect(left).toBe(0);
    await onB.stop();
  });

  it("delivers a change an instance committed and died before relaying (the outbox poller of a live one)", async () => {
    const customerId = await createCustomerOn(a);
    const onB = subscribeOn(b, customerId);
    await onB.waitFor(1);
    // What a process leaves when it is killed between its commit and its relay: the new status and its outbox row.
    await admin.begin(async (tx) => {
      const [row] =
        await tx`update customers set kyc_status = 'SUBMITTED', kyc_version = kyc_version + 1 where id = ${customerId} returning kyc_version`;
      const payload = encodeStatusChange({
        customerId,
        status: KycStatus.SUBMITTED,
        previousStatus: KycStatus.NOT_STARTED,
        occurredAt: new Date(at(1)),
        event: "kyc.submitted",
        version: row.kyc_version,
      });
      await tx`insert into kyc_status_changes (customer_id, version, status, previous_status, occurred_at, event) values (${customerId}, ${row.kyc_version}, 'SUBMITTED', 'NOT_STARTED', ${at(1)}, 'kyc.submitted')`;
      await tx`insert into kyc_status_outbox (payload) values (${payload})`;
    });
    await onB.waitFor(2);
    expect(statusesOf(onB)).toEqual([
      ["NOT_STARTED", 0],
      ["SUBMITTED", 1],
    ]);
    await onB.stop();
  });

  it.skipIf(!env.EVENT_BUS_URL)(
    "recovers after B's Redis connections are killed (CLIENT KILL): re-sync, then live delivery, no duplicates",
    async () => {
      const customerId = await createCustomerOn(a);
      const onB = subscribeOn(b, customerId);
      await onB.waitFor(1);
      expect(await killRedisClients(`pid=${b.pid}-`)).toBe(2);
      // Posted to A at once: B hears it live if it is subscribed again by then, or through its re-sync if not.
      expect((await a.postWebhook({ event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(1) })).status).toBe(
        200,
      );
      await onB.waitFor(2);
      expect((await a.postWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(2) })).status).toBe(200);
      await onB.waitFor(3);
      // B published too: a webhook to B reaches a subscriber on A.
      const other = await createCustomerOn(b);
      const onA = subscribeOn(a, other);
      await onA.waitFor(1);
      expect((await b.postWebhook({ customer_id: other, kyc_status: "submitted" })).status).toBe(200);
      await onA.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusesOf(onB)).toEqual([
        ["NOT_STARTED", 0],
        ["UNDER_REVIEW", 1],
        ["PASSED", 2],
      ]);
      expect(statusesOf(onA)).toEqual([
        ["NOT_STARTED", 0],
        ["SUBMITTED", 1],
      ]);
      expect(b.output()).toContain("Redis subscription lost");
      await Promise.all([onA.stop(), onB.stop()]);
    },
  );
});
