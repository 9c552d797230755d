import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Another live process already holds the embedded database's directory. */
export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `${dataDir} is in use by another kyc-graphql process (pid ${pid}); PGlite cannot open its files twice. Stop that process, or set DATA_DIR to another directory.`,
    );
    this.name = "DataDirLocked";
  }
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/**
 * Takes `<dataDir>/kyc-graphql.pid` (created exclusively, holding our pid). A lock left by a process that is no
 * longer running (a crash, a SIGKILL) is taken over; one held by a live process makes this throw DataDirLocked.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, "kyc-graphql.pid");
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const descriptor = openSync(file, "wx");
      writeSync(descriptor, String(process.pid));
      closeSync(descriptor);
      return {
        release() {
          try {
            if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(file, "utf8").trim());
      } catch {
        continue; // removed in between: try again
      }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) throw new DataDirLocked(dataDir, holder);
      rmSync(file, { force: true }); // stale (dead pid, or unreadable): take it over
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
