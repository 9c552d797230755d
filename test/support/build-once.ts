import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

// Vitest global setup: the tests that run the server as a real process need dist/. Building once here,
// before any test file starts, keeps two files from running tsc into the same dist/ at the same time.
export default function buildOnce(): void {
  const root = resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });
}
