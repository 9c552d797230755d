// Event bus designs (issue 14): what announcing a status change costs the webhook ingest, at 1, 8 and 32
// concurrent writers on real Postgres, and how fast the announcement reaches a listener.
//
//   notify   UPDATE + pg_notify inside the status transaction (today's product). Postgres serialises every
//            committing transaction that has notified on one lock (the notify queue), held while it commits
//            and, here, while it still holds the customer's row lock.
//   outbox   the same transaction writes an outbox row instead; right after commit the committing process
//            relays it: one relay transaction per batch deletes the rows and pg_notify's them (so notify and
//            delete commit together), plus a poller for rows left behind (none in steady state).
//   redis    outbox as above, but the relay publishes to Redis (pipeline) before it deletes the rows.
//
// Each writer transaction models our webhook ingest (src/kyc/kyc-service.ts): a receipt insert (unique
// signature hash), the stored event, SELECT … FOR UPDATE of the customer, UPDATE of the status with the
// version bump (RETURNING the version), then the announcement. Customers are drawn at random from 10,000.
// Tables live in a schema of their own in the target database, dropped at the end.
//
//   node bench/bus-designs.mjs [--seconds=5] [--rounds=3] [--writers=1,8,32] [--designs=notify,outbox,redis] [--relay-commit=async|sync]
//   `--smoke`: 1 round of 1 s at 1 and 8 writers, every design (CI keeps the script working; the figures mean nothing).
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL (default redis://127.0.0.1:6379).
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { Redis } from "ioredis";
import postgres from "postgres";

const arg = (name, fallback) => process.argv.find((value) => value.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const SMOKE = process.argv.includes("--smoke");
const SECONDS = Number(arg("seconds", SMOKE ? "1" : "5"));
const ROUNDS = Number(arg("rounds", SMOKE ? "1" : "3"));
const WRITERS = arg("writers", SMOKE ? "1,8" : "1,8,32")
  .split(",")
  .map(Number);
const DESIGNS = arg("designs", "notify,outbox,redis").split(",");
const CUSTOMERS = 10_000;
const ASYNC_RELAY = arg("relay-commit", "async") === "async";
const tag = randomBytes(4).toString("hex");
const SCHEMA = `bus_bench_${tag}`;
const CHANNEL = `bus_bench_${tag}`;
const APP = `bus-bench ${tag}`;
const STATUSES = ["SUBMITTED", "UNDER_REVIEW", "DOCUMENT_REQUIRED", "PASSED", "FAILED"];

const loadNow = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const r1 = (value) => Math.round(value * 10) / 10;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const procCpuMs = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0; // backend gone
  }
};

const options = (name, max) => ({
  max,
  onnotice: () => {},
  fetch_types: false,
  idle_timeout: 0,
  connection: { application_name: `${APP} ${name}` },
});
const admin = postgres(DATABASE_URL, options("admin", 1));

async function setup() {
  await admin.unsafe(`create schema ${SCHEMA}`);
  await admin.unsafe(`
    create table ${SCHEMA}.customers (id uuid primary key, status text not null, status_at timestamptz, status_event text,
      kyc_version integer not null default 0, updated_at timestamptz not null default now(), first_name text, last_name text);
    create table ${SCHEMA}.receipts (signature_hash text primary key, received_at timestamptz not null);
    create table ${SCHEMA}.events (id bigserial primary key, customer_id uuid not null, event text not null, payload jsonb not null, received_at timestamptz not null);
    create index on ${SCHEMA}.events (customer_id);
    create table ${SCHEMA}.outbox (id bigserial primary key, payload text not null, created_at timestamptz not null default now());`);
  const ids = Array.from({ length: CUSTOMERS }, () => randomUUID());
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = ids.slice(start, start + 1000).map((id) => ({ id, status: "NOT_STARTED", first_name: "Bench", last_name: "Customer" }));
    await admin`insert into ${admin(SCHEMA)}.customers ${admin(rows)}`;
  }
  await admin.unsafe(`vacuum analyze ${SCHEMA}.customers`);
  return ids;
}

/** One round: `writers` loops for SECONDS, announcing through `design`; returns throughput, latencies, CPU. */
async function runRound(design, writers, ids) {
  const pool = postgres(DATABASE_URL, options("writer", writers));
  // The relay commits asynchronously (as the product's relay does): losing its commit in a crash only
  // brings the row back for the poller (a duplicate subscribers drop by version), never loses a change.
  const relayOptions = options("relay", 1);
  const relayDb = postgres(DATABASE_URL, {
    ...relayOptions,
    connection: { ...relayOptions.connection, ...(ASYNC_RELAY ? { synchronous_commit: "off" } : {}) },
  });
  const delivered = new Map(); // seq -> started (ms)
  const started = new Map();
  const deliveredLatency = [];
  let received = 0;
  const onDelivery = (payload) => {
    const { q } = JSON.parse(payload);
    received++;
    const t0 = started.get(q);
    if (t0 !== undefined) {
      deliveredLatency.push(performance.now() - t0);
      started.delete(q);
    }
  };
  // The listening side, as every instance has it.
  let listenDb = null;
  let subscriber = null;
  let publisher = null;
  if (design === "redis") {
    subscriber = new Redis(REDIS_URL, { connectionName: `${APP} sub` });
    publisher = new Redis(REDIS_URL, { connectionName: `${APP} pub` });
    subscriber.on("message", (_channel, message) => onDelivery(message));
    await subscriber.subscribe(CHANNEL);
  } else {
    listenDb = postgres(DATABASE_URL, options("listen", 1));
    await listenDb.listen(CHANNEL, onDelivery);
  }

  // The committing process's relay: one batch in flight, everything committed meanwhile goes in the next.
  let pending = [];
  let relaying = null;
  const relayBatch = async (batch) => {
    if (design === "outbox") {
      await relayDb`with d as (delete from ${relayDb(SCHEMA)}.outbox where id = any(${"{" + batch.join(",") + "}"}::bigint[]) returning payload)
        select count(pg_notify(${CHANNEL}, payload)) from d`;
    } else {
      await relayDb.begin(async (tx) => {
        const rows = await tx`delete from ${tx(SCHEMA)}.outbox where id = any(${"{" + batch.join(",") + "}"}::bigint[]) returning payload`;
        const pipeline = publisher.pipeline();
        for (const row of rows) pipeline.publish(CHANNEL, row.payload);
        await pipeline.exec();
      });
    }
  };
  const relay = () => {
    if (relaying || pending.length === 0) return;
    relaying = (async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, 500);
        await relayBatch(batch);
      }
      relaying = null;
    })();
  };
  // Safety net: rows older than 5 s that nobody relayed (none here; measured for its cost).
  const poller =
    design === "notify"
      ? null
      : setInterval(async () => {
          const rows =
            await relayDb`select id from ${relayDb(SCHEMA)}.outbox where created_at < now() - interval '5 seconds' order by id limit 500 for update skip locked`;
          if (rows.length) await relayBatch(rows.map((row) => String(row.id)));
        }, 1_000);

  let seq = 0;
  const txLatency = [];
  let stop = false;
  const writer = async () => {
    while (!stop) {
      const customerId = ids[Math.floor(Math.random() * ids.length)];
      const q = ++seq;
      const status = STATUSES[q % STATUSES.length];
      const t0 = performance.now();
      started.set(q, t0);
      const outboxId = await pool.begin(async (tx) => {
        const signature = randomBytes(32).toString("hex");
        await tx`insert into ${tx(SCHEMA)}.receipts (signature_hash, received_at) values (${signature}, now()) on conflict do nothing returning signature_hash`;
        await tx`insert into ${tx(SCHEMA)}.events (customer_id, event, payload, received_at) values (${customerId}, ${"kyc.verification." + status.toLowerCase()}, ${{ customer_id: customerId, kyc_status: status }}, now())`;
        const [locked] =
          await tx`select id, status, status_at, kyc_version from ${tx(SCHEMA)}.customers where id = ${customerId} for update`;
        const [saved] =
          await tx`update ${tx(SCHEMA)}.customers set status = ${status}, status_at = now(), status_event = ${"kyc.verification"},
          kyc_version = kyc_version + 1, updated_at = now() where id = ${customerId} returning kyc_version`;
        // The same payload shape (and size) as the product's NotifyPayload, plus the bench's sequence number.
        const payload = JSON.stringify({
          c: customerId,
          s: status,
          p: locked.status,
          e: "kyc.verification",
          t: new Date().toISOString(),
          v: saved.kyc_version,
          q,
        });
        if (design === "notify") {
          await tx`select pg_notify(${CHANNEL}, ${payload})`;
          return null;
        }
        const [row] = await tx`insert into ${tx(SCHEMA)}.outbox (payload) values (${payload}) returning id`;
        return String(row.id);
      });
      txLatency.push(performance.now() - t0);
      if (outboxId) {
        pending.push(outboxId);
        relay();
      }
    }
  };

  // Warm up the connections, then measure.
  await Promise.all(Array.from({ length: writers }, () => pool`select 1`));
  const backends = async () =>
    (await admin`select pid from pg_stat_activity where application_name like ${APP + "%"} and application_name <> ${APP + " admin"}`).map(
      (row) => row.pid,
    );
  const pids = await backends();
  const pgCpu0 = pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const redisCpu = async () => {
    if (!publisher) return 0;
    const info = await publisher.info("cpu");
    return (Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)[1])) * 1000;
  };
  const redisCpu0 = await redisCpu();
  const nodeCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  stop = false;
  const running = Array.from({ length: writers }, writer);
  await sleep(SECONDS * 1000);
  stop = true;
  await Promise.all(running);
  const committed = seq;
  // Let the relay and the listener catch up (bounded).
  const drainUntil = Date.now() + 10_000;
  while (received < committed && Date.now() < drainUntil) await sleep(10);
  const wall = (performance.now() - wall0) / 1000;
  const nodeCpu = process.cpuUsage(nodeCpu0);
  const pgCpu = pids.reduce((sum, pid) => sum + procCpuMs(pid), 0) - pgCpu0;
  const redisCpuMs = (await redisCpu()) - redisCpu0;

  if (poller) clearInterval(poller);
  await relaying;
  const [{ left }] = await admin`select count(*)::int as left from ${admin(SCHEMA)}.outbox`;
  await subscriber?.quit();
  await publisher?.quit();
  await listenDb?.end({ timeout: 1 });
  await relayDb.end({ timeout: 1 });
  await pool.end({ timeout: 1 });

  txLatency.sort((a, b) => a - b);
  deliveredLatency.sort((a, b) => a - b);
  const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
  return {
    design,
    writers,
    committed,
    delivered: received,
    lost: committed - received,
    outboxLeft: left,
    perSecond: committed / SECONDS,
    txP50: pct(txLatency, 50),
    txP99: pct(txLatency, 99),
    deliveryP50: pct(deliveredLatency, 50),
    deliveryP99: pct(deliveredLatency, 99),
    // CPU per committed event: this process (writers, relay, listener), our Postgres backends, Redis.
    cpuUsPerEvent: ((nodeMs + pgCpu + redisCpuMs) * 1000) / committed,
    nodeUsPerEvent: (nodeMs * 1000) / committed,
    pgUsPerEvent: (pgCpu * 1000) / committed,
    redisUsPerEvent: (redisCpuMs * 1000) / committed,
    wallSeconds: wall,
  };
}

const [{ server_version }] = await admin`show server_version`;
const machine = {
  relayCommit: ASYNC_RELAY ? "async" : "sync",
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  node: process.version,
  postgres: server_version,
  loadBefore: loadNow(),
  startedAt: new Date().toISOString(),
};
console.log(JSON.stringify(machine));
const ids = await setup();
const results = [];
try {
  for (let roundNo = 1; roundNo <= ROUNDS; roundNo++) {
    for (const writers of WRITERS) {
      // Interleaved: every design at this concurrency, in a rotating order, before the next.
      const order = DESIGNS.map((_, index) => DESIGNS[(index + roundNo - 1) % DESIGNS.length]);
      for (const design of order) {
        const result = await runRound(design, writers, ids);
        results.push({ round: roundNo, load: loadNow(), ...result });
        console.log(
          `round ${roundNo} ${design.padEnd(6)} w=${String(writers).padStart(2)}: ${r1(result.perSecond)} tx/s, tx p50 ${r1(result.txP50)} p99 ${r1(result.txP99)} ms, ` +
            `delivery p50 ${r1(result.deliveryP50)} p99 ${r1(result.deliveryP99)} ms, lost ${result.lost}, outbox left ${result.outboxLeft}, ` +
            `CPU ${r1(result.cpuUsPerEvent)} µs/event (node ${r1(result.nodeUsPerEvent)}, pg ${r1(result.pgUsPerEvent)}, redis ${r1(result.redisUsPerEvent)}), load ${loadNow()}`,
        );
      }
    }
  }
} finally {
  await admin.unsafe(`drop schema ${SCHEMA} cascade`);
  await admin.end();
}

console.log(`\n== medians of ${ROUNDS} rounds (${SECONDS} s each), load after ${loadNow()}`);
console.log("| writers | design | tx/s | tx p50 / p99 ms | delivery p50 / p99 ms | CPU µs/event (node + pg + redis) | lost |");
console.log("|---|---|---|---|---|---|---|");
for (const writers of WRITERS) {
  for (const design of DESIGNS) {
    const rows = results.filter((row) => row.design === design && row.writers === writers);
    const m = (key) => median(rows.map((row) => row[key]));
    console.log(
      `| ${writers} | ${design} | ${Math.round(m("perSecond"))} | ${r1(m("txP50"))} / ${r1(m("txP99"))} | ${r1(m("deliveryP50"))} / ${r1(m("deliveryP99"))} | ` +
        `${Math.round(m("cpuUsPerEvent"))} (${Math.round(m("nodeUsPerEvent"))} + ${Math.round(m("pgUsPerEvent"))} + ${Math.round(m("redisUsPerEvent"))}) | ${rows.reduce((sum, row) => sum + row.lost, 0)} |`,
    );
  }
}
console.log(JSON.stringify({ machine, results }));
