import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "./database.js";
import { migrationsFolder } from "./database.js";
import { isDatabaseUnavailable } from "../errors/database-unavailable.js";

export type Readiness = { ready: true } | { ready: false; reason: string };

/** How many migrations this build ships (drizzle-kit's journal). */
export function expectedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Ready = the database answers within `timeoutMs` and every migration this build ships is applied
 * (drizzle records them in drizzle.__drizzle_migrations). The process being up is /healthz's business.
 */
export async function checkReadiness(db: Database, timeoutMs: number, expectedMigrations = expectedMigrationCount()): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const check = (async (): Promise<Readiness> => {
    try {
      const result = await db.execute<{ applied: number }>(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
      const rows = (Array.isArray(result) ? result : (result as { rows: { applied: number }[] }).rows) as { applied: number }[];
      const applied = Number(rows[0]?.applied ?? 0);
      if (applied < expectedMigrations)
        return { ready: false, reason: `database schema is behind (${applied} of ${expectedMigrations} migrations applied)` };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: isDatabaseUnavailable(error) ? "database unavailable" : "database check failed" };
    }
  })();
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
