import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { CustomerDocument } from "../gql/graphql.js";
import { createCustomer } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** DATABASE_POOL_MAX caps each instance's connections (operators size a fleet by it: instances × (pool + 2) < max_connections). */
describe.skipIf(!process.env.DATABASE_URL)("DATABASE_POOL_MAX on Postgres", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ DATABASE_POOL_MAX: "2" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("never opens more than the pool plus its LISTEN and outbox-relay connections, however many requests are in flight", async () => {
    const customerId = await createCustomer(app);
    let peak = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        // On Postgres (this suite only) drizzle answers a raw query with its rows as an array.
        const answer: unknown = await app.database.db.execute(
          sql`select count(*)::int as connections from pg_stat_activity where datname = current_database()`,
        );
        const rows = answer as Array<{ connections: number }>;
        peak = Math.max(peak, Number(rows[0]?.connections ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 60 }, () => app.graphql(CustomerDocument, { id: customerId })));
    running = false;
    await sampler;
    expect(answers.every((answer) => answer.data?.customer?.id === customerId)).toBe(true);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2 + 2);
  });
});
