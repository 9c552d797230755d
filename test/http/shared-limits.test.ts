import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenDatabase } from "../../src/db/database.js";
import { RateLimited } from "../../src/domain/errors.js";
import { createRateLimits } from "../../src/http/rate-limits.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { createTestDatabase } from "../support/test-database.js";

// Issue 14: rate limits are one budget for the whole fleet, counted in the database the instances share.
async function spend(consume: () => Promise<void>): Promise<"ok" | "limited"> {
  try {
    await consume();
    return "ok";
  } catch (error) {
    if (error instanceof RateLimited) return "limited";
    throw error;
  }
}

describe("rate limits counted in the shared database", () => {
  const opened: OpenDatabase[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
    for (const drop of drops) await drop();
  });
  async function database() {
    const test = await createTestDatabase();
    drops.push(() => test.drop());
    const open = await openDatabase({ databaseUrl: test.url, dataDir: null });
    opened.push(open);
    return open;
  }

  it("two limiters on one database share one budget", async () => {
    const { db } = await database();
    const first = createRateLimits({ submitKycPerMinute: 0, ipPerMinute: 5 }, db);
    const second = createRateLimits({ submitKycPerMinute: 0, ipPerMinute: 5 }, db);
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i += 1) outcomes.push(await spend(() => (i % 2 ? second : first).consumeAnonymous("203.0.113.7")));
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(5);
    expect(outcomes.slice(5)).toEqual(Array(5).fill("limited"));
    // Another address has its own budget.
    expect(await spend(() => second.consumeAnonymous("203.0.113.8"))).toBe("ok");
  });

  it("keeps limiting in memory while the shared store cannot be used", async () => {
    const { db } = await database();
    await db.execute(sql`drop table rate_limits`);
    const limits = createRateLimits({ submitKycPerMinute: 3, ipPerMinute: 0 }, db);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await spend(() => limits.consumeSubmitKyc("subject-a")));
    expect(outcomes).toEqual(["ok", "ok", "ok", "limited", "limited"]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)("three server processes on one Postgres", () => {
  const servers: ServerProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await drop?.();
  });

  it("allow one budget between them, not three", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase();
    drop = () => database.drop();
    const shared = {
      DATABASE_URL: database.url!,
      IP_RATE_LIMIT_PER_MINUTE: "12",
      BOND_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
      PII_KEY: randomBytes(32).toString("base64"),
    };
    // One after another: the first applies the migrations.
    for (let i = 0; i < 3; i += 1) servers.push(await startServerProcess(shared));
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      // Unauthenticated requests spend the address's budget (the health probe takes no token).
      const response = await fetch(`${servers[i % 3].url}/healthz`);
      statuses.push(response.status);
      if (response.status === 429) expect(await response.json()).toMatchObject({ code: "RATE_LIMITED" });
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(12);
    expect(statuses.filter((status) => status === 429)).toHaveLength(18);
  });
});
