import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A fresh embedded database is an initdb plus every migration: seconds of work that is the same on every
 * machine. The first fresh database a checkout creates is dumped once (PGlite's `dumpDataDir`) into
 * node_modules/.cache, keyed by the migrations and PGlite's version, and later fresh databases load it
 * (`loadDataDir`) instead: `npm start` on an empty .data/ and each test app start from it. A snapshot that
 * does not match the migrations is never used (its key changes), and migrations still run after loading.
 */
export function pgliteSnapshotFile(migrationsFolder: string): string {
  const hash = createHash("sha256");
  const root = dirname(migrationsFolder);
  const pglitePackage = join(root, "node_modules", "@electric-sql", "pglite", "package.json");
  hash.update(
    existsSync(pglitePackage) ? String((JSON.parse(readFileSync(pglitePackage, "utf8")) as { version?: string }).version) : "unknown",
  );
  for (const folder of [migrationsFolder, join(migrationsFolder, "meta")]) {
    for (const name of readdirSync(folder)
      .filter((entry) => /\.(sql|json)$/.test(entry))
      .sort()) {
      hash.update(`\0${name}\0`).update(readFileSync(join(folder, name)));
    }
  }
  return join(root, "node_modules", ".cache", "kyc-graphql", `pglite-${hash.digest("hex").slice(0, 16)}.tar.gz`);
}

export function readPgliteSnapshot(file: string): Blob | null {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return null;
  }
}

/** Written to a temporary name and renamed, so a process reading it never sees half a file. */
export async function writePgliteSnapshot(file: string, dump: Blob): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
  renameSync(temporary, file);
}
