import { existsSync, mkdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
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
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { withQueryDeadline } from "./database-deadline.js";
import {
  copyPgliteTemplate,
  pgliteSnapshotFile,
  pgliteTemplateDir,
  readPgliteSnapshot,
  writePgliteSnapshot,
  writePgliteTemplate,
} from "./pglite-snapshot.js";
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
/** The advisory lock migrations run under (any fixed bigint; this one spells "kycmigr"). */
export const MIGRATION_LOCK_KEY = "30251290452387698";

export interface DatabaseBounds {
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  reconnectMaxDelayMs: number;
}

const DEFAULT_BOUNDS: DatabaseBounds = { connectTimeoutMs: 5_000, queryTimeoutMs: 5_000, reconnectMaxDelayMs: 2_000 };

/** postgres.js's own reconnect back-off (seconds, by failures in a row), capped. */
function cappedBackoff(maxDelayMs: number) {
  return (retries: number) => Math.min((0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 20), maxDelayMs / 1000);
}

/**
 * postgres.js's sockets with Nagle's algorithm off (as Node's HTTP server has it). With it on, a statement sent
 * right behind a long one (1 KiB or more, which postgres.js writes out at once) — the webhook's writes and its
 * `pg_notify`, pipelined — is held back until the first one's ACK, which comes with Postgres' answer: a round
 * trip the pipelining was meant to save. (postgres.js's own `socket` option, missing from its type declarations.)
 * Given for a single TCP host only (postgres.js then connects the socket
 * itself for a Unix socket or several hosts).
 */
export function noDelaySockets(databaseUrl: string): { socket?: (options: { host: string[]; port: number[] }) => Socket } {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return {};
  }
  if (!url.hostname || url.host.includes(",") || url.searchParams.has("host")) return {};
  return {
    socket: (options: { host: string[]; port: number[] }): Socket => {
      // postgres.js attaches its handlers to the socket returned, then writes its start-up message (Node queues
      // writes until the connection is made); its connect_timeout still bounds the whole handshake.
      const socket = connect(options.port[0], options.host[0]);
      socket.setNoDelay(true);
      return socket;
    },
  };
}

/** The template copied into an empty data folder; a failed copy leaves the folder empty again (false). */
function copyFromTemplate(template: string, dataDir: string): boolean {
  try {
    return copyPgliteTemplate(template, dataDir);
  } catch {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    return false;
  }
}

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string | null;
  maxConnections?: number;
  bounds?: DatabaseBounds;
}): Promise<OpenDatabase> {
  const bounds = options.bounds ?? DEFAULT_BOUNDS;
  const migrations = migrationsFolder();
  if (options.databaseUrl) {
    // Migrations run on their own single connection, as Drizzle recommends, holding a session advisory lock: several
    // instances starting together take turns, and the later ones find every migration applied.
    const migrationClient = postgres(options.databaseUrl, {
      max: 1,
      onnotice: () => {},
      connect_timeout: Math.max(bounds.connectTimeoutMs / 1000, 0.1),
    });
    try {
      await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migratePostgres(drizzlePostgres(migrationClient), { migrationsFolder: migrations });
      await migrationClient`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    } finally {
      await migrationClient.end();
    }
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: Math.max(bounds.connectTimeoutMs / 1000, 0.1),
      backoff: cappedBackoff(bounds.reconnectMaxDelayMs),
      ...noDelaySockets(options.databaseUrl),
    });
    return {
      db: drizzlePostgres(withQueryDeadline(client, bounds.queryTimeoutMs), { schema }) as unknown as Database,
      kind: "postgres",
      description: `Postgres at ${redactUrl(options.databaseUrl)}`,
      close: () => client.end({ timeout: 5 }),
    };
  }
  let dataDir: string | undefined;
  let lock: DataDirLock | undefined;
  if (options.dataDir !== null) {
    dataDir = resolve(options.dataDir, "pglite");
    mkdirSync(dataDir, { recursive: true });
    // One process per embedded database: PGlite opening the same files twice corrupts them.
    lock = lockDataDir(resolve(options.dataDir));
  }
  try {
    const fresh = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
    const snapshotFile = pgliteSnapshotFile(migrations);
    let snapshot = fresh ? readPgliteSnapshot(snapshotFile) : null;
    const template = pgliteTemplateDir(snapshotFile);
    let copied = false;
    if (fresh && dataDir) {
      if (snapshot && !existsSync(template)) await writePgliteTemplate(template, snapshot).catch(() => {});
      copied = copyFromTemplate(template, dataDir);
    }
    let client: PGlite;
    try {
      client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(snapshot && !copied ? { loadDataDir: snapshot } : {}) });
    } catch (error) {
      if (!snapshot && !copied) throw error;
      // A damaged snapshot or template must not stop a start: forget both and build the database the long way.
      // The data folder was empty before this attempt (no PG_VERSION), so what the failed load left there can go.
      rmSync(snapshotFile, { force: true });
      rmSync(template, { recursive: true, force: true });
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
      async close() {
        await client.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
