import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { TEST_JWT_SECRET } from "../support/test-app.js";

/** Two `npm start`s on one .data/: the embedded database (PGlite) must not be opened by two processes. */
describe("one process per embedded data directory (DATA_DIR)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kyc-lock-"));
  const env = { NODE_ENV: "test", PORT: "0", LOG_LEVEL: "warn", AUTH_JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir };
  const running: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second process clearly while the first runs, and the first keeps serving", async () => {
    const first = await startServerProcess(env, { entry: "source" });
    running.push(first);
    const second = startServerProcess(env, { entry: "source" });
    const failure = await second.then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain(`is in use by another kyc-graphql process (pid ${first.child.pid})`);
    expect(failure).toContain("set DATA_DIR to another directory");
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  }, 120_000);

  it("takes over a lock left by a process that is gone (a crash), and removes it on a clean stop", async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid; // a pid that no longer runs
    writeFileSync(join(dataDir, "kyc-graphql.pid"), String(dead));
    const app = await startServerProcess(env, { entry: "source" });
    running.push(app);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    await app.stop();
    running.splice(0);
    expect(existsSync(join(dataDir, "kyc-graphql.pid"))).toBe(false);
  }, 120_000);
});
