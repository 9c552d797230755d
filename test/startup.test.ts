import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_JWT_SECRET } from "./support/test-app.js";

// Start-up as an operator sees it: the built server run as a real process, its stderr and exit code.
// Built into dist-test/ so it never races another build of dist/.
const ROOT = resolve(import.meta.dirname, "..");
const OUT_DIR = join(ROOT, "dist-test");
beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", OUT_DIR],
    { cwd: ROOT, stdio: "inherit" },
  );
}, 180_000);

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves once `pattern` appears in stderr (or rejects when the process exits first). */
  waitForStderr(pattern: RegExp): Promise<void>;
  stop(): Promise<number | null>;
}

function runServer(env: Record<string, string>): Run {
  const dataDir = mkdtempSync(join(tmpdir(), "kyc-startup-"));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, [join(OUT_DIR, "src/main.js")], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr: (pattern) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (pattern.test(stderr)) {
            child.stderr.off("data", check);
            done();
          }
        };
        child.stderr.on("data", check);
        check();
        void exited.then((code) => fail(new Error(`exited (${code}) before ${pattern}:\n${stdout}\n${stderr}`)));
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

async function listeningServer(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return server;
}

async function freePort(): Promise<number> {
  const server = await listeningServer();
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Lines that are not JSON log lines (the human-readable ones). */
const plainLines = (text: string) => text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"));

describe("start-up failures are one clear line", () => {
  it("an unreachable Postgres names the address and the reason, and exits 1", async () => {
    const port = await freePort();
    const run = runServer({ DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/kyc` });
    expect(await run.exited).toBe(1);
    expect(plainLines(run.stderr())).toEqual([
      `kyc-graphql failed to start: cannot reach Postgres at 127.0.0.1:${port} (connection refused)`,
    ]);
    expect(run.stderr()).not.toContain("Failed query");
    expect(run.stderr()).not.toContain("secret");
  });

  it.skipIf(!process.env.DATABASE_URL)("a missing database says the database does not exist", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const missing = `kyc_missing_${randomBytes(4).toString("hex")}`;
    url.pathname = `/${missing}`;
    const run = runServer({ DATABASE_URL: url.toString() });
    expect(await run.exited).toBe(1);
    const lines = plainLines(run.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^kyc-graphql failed to start: Postgres at \\S+: database "${missing}" does not exist$`));
  });

  it("a port in use prints one line (no WebSocket stack trace) and exits 1", async () => {
    const blocker = await listeningServer();
    const { port } = blocker.address() as { port: number };
    try {
      const run = runServer({ PORT: String(port), HOST: "127.0.0.1" });
      expect(await run.exited).toBe(1);
      expect(plainLines(run.stderr())).toEqual([
        `kyc-graphql failed to start: port ${port} is already in use (HOST=127.0.0.1); stop the other process or set PORT`,
      ]);
      expect(run.stderr()).not.toMatch(/WebSocket|\n\s+at /);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });
});

describe("in production", () => {
  it("stdout is only JSON log lines with pid and hostname; the banner is on stderr and does not offer GraphiQL", async () => {
    const run = runServer({
      NODE_ENV: "production",
      BOND_SANDBOX: "embedded",
      PII_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "info",
    });
    await run.waitForStderr(/GraphQL \(POST\)\s+(http:\/\/\S+)\/graphql/);
    const url = /GraphQL \(POST\)\s+(http:\/\/\S+)\/graphql/.exec(run.stderr())![1];
    // A probe, a scrape and a real request: only the last is an info line (the embedded sandbox's registration calls are debug).
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const deadline = Date.now() + 20_000;
    while (!run.stdout().includes('"[no such route]"') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    expect(await run.stop()).toBe(0);

    expect(run.stderr()).not.toContain("GraphiQL");
    const lines = run
      .stdout()
      .split("\n")
      .filter((line) => line !== "");
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) expect(record).toMatchObject({ pid: expect.any(Number), hostname: hostname() });
    const completed = records.filter((record) => record.msg === "request completed").map((record) => record.path);
    // (A path no route knows is logged as such, never as typed: it could hold anything.)
    expect(completed).toEqual(["[no such route]"]);
  });
});
