import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder, openDatabase } from "../../src/db/database.js";
import { pgliteSnapshotFile, pgliteTemplateDir } from "../../src/db/pglite-snapshot.js";

// A fresh embedded database starts from a dumped snapshot of the migrated schema (issue 13: `npm start`
// on an empty .data/ within seconds). These pin that what starts from it is the real, migrated database.
const folders: string[] = [];
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "kyc-snapshot-"));
  folders.push(folder);
  return folder;
};
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function tableNames(dataDir: string | null) {
  const database = await openDatabase({ dataDir });
  try {
    const result = await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const migrations = await database.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
    return {
      tables: (result as { rows: { table_name: string }[] }).rows.map((row) => row.table_name),
      migrations: (migrations as { rows: { count: number }[] }).rows[0].count,
    };
  } finally {
    await database.close();
  }
}

describe("embedded database snapshot", () => {
  it(
    "a fresh data folder started from the snapshot has every table and migration, and keeps what is written",
    { timeout: 120_000 },
    async () => {
      const reference = await tableNames(null); // makes the snapshot if there was none
      expect(existsSync(pgliteSnapshotFile(migrationsFolder()))).toBe(true);
      const dataDir = tempFolder();
      expect(await tableNames(dataDir)).toEqual(reference);
      expect(reference.tables).toContain("customers");

      const database = await openDatabase({ dataDir });
      await database.db.execute(sql`create table snapshot_probe (id int)`);
      await database.db.execute(sql`insert into snapshot_probe values (42)`);
      await database.close();
      const reopened = await openDatabase({ dataDir });
      const rows = await reopened.db.execute(sql`select id from snapshot_probe`);
      await reopened.close();
      expect((rows as { rows: { id: number }[] }).rows).toEqual([{ id: 42 }]);
    },
  );

  it("is keyed by the migrations: another migration set never loads it", () => {
    const copy = join(tempFolder(), "drizzle");
    cpSync(migrationsFolder(), copy, { recursive: true });
    const before = pgliteSnapshotFile(copy);
    writeFileSync(join(copy, "9999_next.sql"), "create table next_one (id int);");
    expect(pgliteSnapshotFile(copy)).not.toBe(before);
  });

  it("a damaged snapshot is dropped and the database is built the long way", { timeout: 120_000 }, async () => {
    const file = pgliteSnapshotFile(migrationsFolder());
    rmSync(pgliteTemplateDir(file), { recursive: true, force: true }); // else the folder is copied from it
    writeFileSync(file, "not a tarball");
    const dataDir = tempFolder();
    const { tables } = await tableNames(dataDir);
    expect(tables).toContain("customers");
  });

  it(
    "a fresh data folder on disk is a copy of the template made from the snapshot, and is the same database",
    { timeout: 120_000 },
    async () => {
      const reference = await tableNames(null);
      const template = pgliteTemplateDir(pgliteSnapshotFile(migrationsFolder()));
      rmSync(template, { recursive: true, force: true });
      const first = tempFolder();
      expect(await tableNames(first)).toEqual(reference); // makes the template from the snapshot
      expect(existsSync(join(template, "PG_VERSION"))).toBe(true);
      // Mark the template: the next fresh folder must be its copy (the tarball has no such file).
      writeFileSync(join(template, "copied-from-template"), "yes");
      const second = tempFolder();
      expect(await tableNames(second)).toEqual(reference);
      expect(readdirSync(join(second, "pglite"))).toContain("copied-from-template");
    },
  );

  it("a damaged template is dropped and the database is still made", { timeout: 120_000 }, async () => {
    const template = pgliteTemplateDir(pgliteSnapshotFile(migrationsFolder()));
    rmSync(template, { recursive: true, force: true });
    mkdirSync(join(template, "base"), { recursive: true });
    writeFileSync(join(template, "PG_VERSION"), "not a version\n");
    const dataDir = tempFolder();
    const { tables } = await tableNames(dataDir);
    expect(tables).toContain("customers");
    expect(existsSync(join(template, "base"))).toBe(false);
  });
});
