// Shared pieces of the benchmarks: the machine, a throwaway database, the built server as a child
// process, seeding, RSS, signed webhooks. Everything targets loopback and is bounded in count and time.
import { execFileSync, fork, spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { SignJWT } from "jose";
import postgres from "postgres";

export const ROOT = resolve(import.meta.dirname, "..");
export const SMOKE = process.argv.includes("--smoke");
export const PROFILE = process.argv.includes("--profile");
export const BASE_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The servers verify HS256 tokens with this secret; the benchmarks send a service token (all access). */
export const JWT_SECRET = randomBytes(32).toString("hex");
export const SERVICE_TOKEN = await new SignJWT({ scope: "kyc:service" })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject("bench")
  .setIssuer("kyc-graphql")
  .setAudience("kyc-graphql")
  .setIssuedAt()
  .setExpirationTime("2h")
  .sign(new TextEncoder().encode(JWT_SECRET));

export function arg(name, fallback) {
  const prefix = `--${name}=`;
  const found = process.argv.find((value) => value.startsWith(prefix));
  return found ? found.slice(prefix.length) : fallback;
}

export async function machine() {
  const sql = postgres(BASE_DATABASE_URL, { max: 1, onnotice: () => {} });
  const [{ server_version }] = await sql`show server_version`;
  await sql.end();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: server_version,
    load: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
  };
}

export function loadNow() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/** A database of its own on the real Postgres, dropped by `drop()`. */
export async function createDatabase() {
  const name = `kyc_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(BASE_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(BASE_DATABASE_URL, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export function build() {
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

/**
 * Starts a Node script as a child process and resolves when it prints `listening <url>` (the baselines)
 * or the server's start-up banner. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startProcess(script, env = {}, nodeArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), "kyc-bench-"));
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: "0",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      PII_KEY: randomBytes(32).toString("base64"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /(?:GraphQL \(POST\)\s+|listening )(http:\/\/[^\s/]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check); // the banner goes to stderr
    exited.then((code) => fail(new Error(`${script} exited (${code}):\n${output}`)));
  });
  return {
    url,
    pid: child.pid,
    output: () => output,
    rssKb: () => rssKb(child.pid),
    cpuMs: () => cpuMs(child.pid),
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Our built server, as production runs it; per-IP budgets off (every request comes from 127.0.0.1). */
/** Production mode refuses the embedded Bond sandbox unless BOND_SANDBOX=embedded asks for it: benches ask. */
export const startServer = (env = {}, nodeArgs, script = join(ROOT, "dist/src/main.js")) =>
  startProcess(
    script,
    { AUTH_JWT_SECRET: JWT_SECRET, IP_RATE_LIMIT_PER_MINUTE: "0", ...(env.BOND_API_URL ? {} : { BOND_SANDBOX: "embedded" }), ...env },
    nodeArgs,
  );

/** CPU time (user + system) the process has used so far, in milliseconds. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

export function rssKb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : NaN;
}

/** Inserts `count` customers straight into the table (the server has migrated it) and returns their ids. */
export async function seedCustomers(databaseUrl, count) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = ids
      .slice(start, start + 1000)
      .map((id, index) => ({ id, first_name: "Bench", last_name: `Customer ${start + index}`, dob: "1990-05-17" }));
    await sql`insert into customers ${sql(rows)}`;
  }
  await sql.end();
  return ids;
}

export function signWebhook(secret, raw, nowSeconds = Math.floor(Date.now() / 1000)) {
  return `t=${nowSeconds},v1=${createHmac("sha256", secret).update(`${nowSeconds}.${raw}`).digest("hex")}`;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints a result as one JSON line (for BENCHMARKS.md and CI) and a readable table. */
export function report(name, result) {
  console.log(`\n== ${name}`);
  console.log(JSON.stringify(result, null, 2));
}

/** A separate process of graphql-ws subscribers (bench/ws-clients.mjs), driven over IPC. */
export function startClients() {
  const child = fork(join(ROOT, "bench/ws-clients.mjs"), { stdio: "inherit" });
  const exited = new Promise((done) => child.once("exit", done));
  const ask = (command, reply) =>
    new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.type !== reply) return;
        child.off("message", onMessage);
        resolve(message);
      };
      child.on("message", onMessage);
      child.send(command);
    });
  return {
    open: (websocketUrl, customerIds, total) =>
      ask({ type: "open", url: websocketUrl, customerIds, total, token: SERVICE_TOKEN }, "opened"),
    stats: () => ask({ type: "stats" }, "stats"),
    async close() {
      if (child.exitCode === null) child.send({ type: "close" });
      await exited;
    },
  };
}
