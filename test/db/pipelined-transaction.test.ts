import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenDatabase } from "../../src/db/database.js";
import { commitWithLastStatement } from "../../src/db/pipelined-transaction.js";
import { webhookReceipts } from "../../src/db/schema.js";
import { isDatabaseUnavailable } from "../../src/errors/database-unavailable.js";
import { createTestDatabase } from "../support/test-database.js";

/**
 * Transactions on Postgres are pipelined (BEGIN with the first statement, COMMIT with the last when asked):
 * what a caller sees must stay what postgres.js's own `begin` gave. One pooled connection, so a connection
 * that was not given back, or given back mid-transaction, shows in the next transaction.
 */
describe.skipIf(!process.env.DATABASE_URL)("pipelined transactions (Postgres)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let open: OpenDatabase;
  let admin: postgres.Sql;
  beforeAll(async () => {
    database = await createTestDatabase();
    open = await openDatabase({
      databaseUrl: database.url,
      dataDir: null,
      maxConnections: 1,
      bounds: { connectTimeoutMs: 2_000, queryTimeoutMs: 500, reconnectMaxDelayMs: 200 },
    });
    admin = postgres(database.url!, { max: 1, onnotice: () => {} });
  }, 30_000);
  afterAll(async () => {
    await admin?.end();
    await open?.close();
    await database?.drop();
  });

  /** The error's code and its causes' (drizzle wraps the driver's error). */
  const codesOf = (error: unknown): unknown[] =>
    error && typeof error === "object" ? [(error as { code?: unknown }).code, ...codesOf((error as { cause?: unknown }).cause)] : [];
  const receipt = (name: string) => ({ signatureHash: name, receivedAt: new Date() });
  const stored = async (name: string) => (await admin`select 1 from webhook_receipts where signature_hash = ${name}`).length === 1;
  /** The next transaction on the one pooled connection works, and is a transaction of its own. */
  async function poolStillWorks(name: string) {
    await open.db.transaction(async (tx) => {
      await tx.insert(webhookReceipts).values(receipt(name));
    });
    expect(await stored(name)).toBe(true);
  }
  /**
   * The same once the connection is back: while it is still held (a rollback waiting behind a slow statement) or
   * reconnecting, a transaction is refused as unavailable; anything else fails at once. Polled for up to 30 s.
   */
  async function poolWorksAgain(name: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await poolStillWorks(name);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it("commits what the callback wrote, with COMMIT sent together with the last statement", async () => {
    await open.db.transaction(async (tx) => {
      await tx.insert(webhookReceipts).values(receipt("p-1"));
      await Promise.all([tx.insert(webhookReceipts).values(receipt("p-2")), commitWithLastStatement()]);
    });
    expect([await stored("p-1"), await stored("p-2")]).toEqual([true, true]);
  });

  it("a last statement that fails with COMMIT already sent: its error, and nothing kept", async () => {
    await expect(
      open.db.transaction(async (tx) => {
        await tx.insert(webhookReceipts).values(receipt("p-3"));
        await Promise.all([tx.execute(sql`select 1 / 0`), commitWithLastStatement()]);
      }),
    ).rejects.toSatisfy((error) => codesOf(error).includes("22012"));
    expect(await stored("p-3")).toBe(false);
    await poolStillWorks("p-4");
  });

  it("a callback that throws rolls everything back", async () => {
    await expect(
      open.db.transaction(async (tx) => {
        await tx.insert(webhookReceipts).values(receipt("p-5"));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await stored("p-5")).toBe(false);
    await poolStillWorks("p-6");
  });

  it("a statement past its deadline: the database counts as unavailable, nothing is kept, the connection comes back", async () => {
    const failure = await open.db
      .transaction(async (tx) => {
        await tx.insert(webhookReceipts).values(receipt("p-7"));
        await tx.execute(sql`select pg_sleep(1.5)`);
      })
      .catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(await stored("p-7")).toBe(false);
    // The rollback waits behind the slow statement; the connection is given back once it is answered.
    await poolWorksAgain("p-8");
  });

  it("the connection lost mid-transaction: unavailable, and nothing kept", async () => {
    const failure = await open.db
      .transaction(async (tx) => {
        await tx.insert(webhookReceipts).values(receipt("p-9"));
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and application_name not like 'kyc-graphql%'`;
        await tx.insert(webhookReceipts).values(receipt("p-10"));
      })
      .catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect([await stored("p-9"), await stored("p-10")]).toEqual([false, false]);
    // Whether the pool then reconnects is postgres.js's: after a FATAL answer that came while a statement was in
    // flight it sometimes keeps that connection stuck, with its own `begin` as well (not asserted here).
  });
});
