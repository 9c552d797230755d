import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { pgliteSnapshotFile, readPgliteSnapshot, writePgliteSnapshot } from "./pglite-snapshot.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
/** What both drivers (postgres.js and PGlite) have in common: the repositories use only this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface OpenDatabase {
  db: Database;
  kind: "postgres" | "pglite";
  /** A short description for the start-up banner, without credentials. */
  description: string;
  close(): Promise<void>;
}

/** The folder with drizzle-kit's migrations, found from this file whether it runs from src/ or dist/src/. */
export function migrationsFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    const candidate = join(folder, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    folder = dirname(folder);
  }
  throw new Error("Cannot find the drizzle/ migrations folder next to the project's package.json.");
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

/**
 * Opens the database and applies migrations: real Postgres through postgres.js when `databaseUrl` is
 * given, else an embedded PGlite kept in `dataDir` (or in memory when `dataDir` is null).
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string | null; maxConnections?: number }): Promise<OpenDatabase> {
  const migrations = migrationsFolder();
  if (options.databaseUrl) {
    // Migrations run on their own single connection, as Drizzle recommends.
    const migrationClient = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(drizzlePostgres(migrationClient), { migrationsFolder: migrations });
    } finally {
      await migrationClient.end();
    }
    const client = postgres(options.databaseUrl, { max: options.maxConnections ?? 10, onnotice: () => {} });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Database,
      kind: "postgres",
      description: `Postgres at ${redactUrl(options.databaseUrl)}`,
      close: () => client.end({ timeout: 5 }),
    };
  }
  let dataDir: string | undefined;
  if (options.dataDir !== null) {
    dataDir = resolve(options.dataDir, "pglite");
    mkdirSync(dataDir, { recursive: true });
  }
  const fresh = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
  const snapshotFile = pgliteSnapshotFile(migrations);
  let snapshot = fresh ? readPgliteSnapshot(snapshotFile) : null;
  let client: PGlite;
  try {
    client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(snapshot ? { loadDataDir: snapshot } : {}) });
  } catch (error) {
    if (!snapshot) throw error;
    // A damaged snapshot must not stop a start: forget it and build the database the long way. The data
    // folder was empty before this attempt (no PG_VERSION), so what the failed load left there can go.
    rmSync(snapshotFile, { force: true });
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
    }
    snapshot = null;
    client = await PGlite.create(dataDir ? { dataDir } : {});
  }
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: migrations });
  if (fresh && !snapshot) {
    // Nothing but the migrated schema is in it yet: keep it for the next fresh database (best effort).
    await client
      .dumpDataDir("gzip")
      .then((dump) => writePgliteSnapshot(snapshotFile, dump))
      .catch(() => {});
  }
  return {
    db: db as unknown as Database,
    kind: "pglite",
    description: dataDir ? `embedded PGlite in ${dataDir}` : "embedded PGlite in memory",
    close: () => client.close(),
  };
}
