import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm start` builds with `scripts/build.mjs --if-stale` (issue 13: answer within seconds when nothing
// changed). Run on a copy of the project so the real dist/ is not rebuilt under other tests.
const project = resolve(import.meta.dirname, "../..");
const copy = mkdtempSync(join(tmpdir(), "kyc-build-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("the start build", () => {
  it("skips tsc when no input changed, and rebuilds when one did", { timeout: 240_000 }, () => {
    for (const entry of ["src", "scripts", "bench", "drizzle", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"])
      cpSync(join(project, entry), join(copy, entry), { recursive: true });
    symlinkSync(join(project, "node_modules"), join(copy, "node_modules"));
    const build = () => execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: copy, stdio: "pipe" });
    const mainJs = join(copy, "dist", "src", "main.js");

    build();
    const built = statSync(mainJs).mtimeMs;
    const started = Date.now();
    build();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(statSync(mainJs).mtimeMs).toBe(built);

    appendFileSync(join(copy, "src", "main.ts"), "\n// changed\n");
    build();
    expect(statSync(mainJs).mtimeMs).toBeGreaterThan(built);
  });
});
