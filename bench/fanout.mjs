// Fan-out: N concurrent graphql-ws subscriptions (real WebSockets, one each, held by a separate process),
// 100 per customer; paced webhooks, each fanned out to that customer's subscribers. Reports webhook →
// subscriber delivery p50/p99, server CPU per webhook and server RSS per idle subscription (after a forced
// GC), for ours and two baselines in the same run: stock graphql-ws with an in-memory pubsub
// (bench/baseline-graphql-ws-server.mjs) and a bare ws + LISTEN server (bench/baseline-realtime-server.mjs).
// `--rounds=N` (1) repeats everything, the sides' order rotated each round, and prints medians.
// `--compare=<other checkout>/dist/src/main.js` adds a side "compare": another build of ours (before/after).
// `--smoke`: 200 subscriptions, a few webhooks; `--sizes=1000,10000`; `--sides=ours,graphql-ws,bare-ws`; `--profile`.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  arg,
  build,
  createDatabase,
  loadNow,
  machine,
  percentile,
  PROFILE,
  report,
  ROOT,
  round,
  seedCustomers,
  signWebhook,
  sleep,
  SMOKE,
  startClients,
  startProcess,
  startServer,
} from "./lib.mjs";

const sizes = arg("sizes", SMOKE ? "200" : "1000,10000")
  .split(",")
  .map(Number);
const perCustomer = 100;
const webhooks = Number(arg("webhooks", SMOKE ? 10 : 200));
const ratePerSecond = Number(arg("rate", 20));
const secret = randomBytes(16).toString("hex");
const EVENTS = ["kyc.verification.under_review", "kyc.verification.document_required"];
const rounds = Number(arg("rounds", 1));
const compare = arg("compare", null);
const sides = arg("sides", compare ? "ours,compare,graphql-ws,bare-ws" : "ours,graphql-ws,bare-ws").split(",");
// Every server can be told to collect garbage (SIGUSR2), so idle RSS is read after a full GC.
const GC_ARGS = ["--expose-gc", "--import", pathToFileURL(join(ROOT, "bench/gc-on-signal.mjs")).href];

async function rssAfterGc(server) {
  process.kill(server.pid, "SIGUSR2");
  await sleep(500);
  return server.rssKb();
}

async function postWebhooks(server, customerIds) {
  let failedPosts = 0;
  for (let index = 0; index < webhooks; index += 1) {
    const event = EVENTS[Math.floor(index / customerIds.length) % 2];
    const raw = JSON.stringify({
      event,
      customer_id: customerIds[index % customerIds.length],
      occurred_at: new Date().toISOString(),
      ...(event.endsWith("document_required") && { documents: ["government_id"] }),
    });
    const response = await fetch(`${server.url}/webhooks/bond`, {
      method: "POST",
      headers: { "content-type": "application/json", "bond-signature": signWebhook(secret, raw) },
      body: raw,
    });
    if (!response.ok) failedPosts += 1;
    await response.arrayBuffer();
    await sleep(1000 / ratePerSecond);
  }
  return failedPosts;
}

/**
 * `ids` are watched (100 subscriptions each); `spareIds` (one per webhook) are watched by no one: the same
 * webhooks to them give the CPU of ingesting alone, so fan-out CPU = CPU per webhook − that.
 */
async function measure(side, server, ids, size, spareIds) {
  const clients = startClients();
  try {
    await sleep(1000);
    const rssBefore = await rssAfterGc(server);
    const opened = await clients.open(`${server.url.replace(/^http/, "ws")}/graphql`, ids, size);
    await sleep(3000); // let the connection burst settle
    const rssAfter = await rssAfterGc(server);
    await clients.stats(); // drop nothing-yet
    const loadBefore = loadNow();
    const cpuBefore = server.cpuMs();
    const failedPosts = await postWebhooks(server, ids);
    await sleep(2000); // let the last deliveries arrive
    const cpuMs = server.cpuMs() - cpuBefore;
    const { latenciesMs } = await clients.stats();
    const ingestCpuBefore = server.cpuMs();
    const failedIngestPosts = await postWebhooks(server, spareIds);
    await sleep(2000);
    const ingestCpuMs = server.cpuMs() - ingestCpuBefore;
    latenciesMs.sort((a, b) => a - b);
    const expected = webhooks * Math.min(perCustomer, size);
    return {
      side,
      subscriptions: opened.count,
      failedSubscriptions: opened.failed,
      connectSeconds: round(opened.ms / 1000, 1),
      rssMbIdle: round(rssBefore / 1024, 0),
      rssMbWithSubscriptions: round(rssAfter / 1024, 0),
      rssKbPerIdleSubscription: round((rssAfter - rssBefore) / opened.count, 1),
      webhooks,
      failedPosts,
      deliveries: latenciesMs.length,
      expectedDeliveries: expected,
      p50ms: round(percentile(latenciesMs, 50), 1),
      p99ms: round(percentile(latenciesMs, 99), 1),
      maxMs: round(latenciesMs.at(-1) ?? NaN, 1),
      serverCpuMsPerWebhook: round(cpuMs / webhooks, 1),
      serverCpuMsPerUnwatchedWebhook: round(ingestCpuMs / webhooks, 1),
      fanoutCpuMsPerWebhook: round((cpuMs - ingestCpuMs) / webhooks, 1),
      failedIngestPosts,
      loadBefore,
    };
  } finally {
    await clients.close();
  }
}

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const starters = {
  ours: (url) =>
    startServer({ DATABASE_URL: url, BOND_WEBHOOK_SECRET: secret }, [
      ...GC_ARGS,
      ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench/profiles")}`] : []),
    ]),
  compare: (url) => startServer({ DATABASE_URL: url, BOND_WEBHOOK_SECRET: secret }, GC_ARGS, compare),
  "graphql-ws": (url) =>
    startProcess(join(ROOT, "bench/baseline-graphql-ws-server.mjs"), { DATABASE_URL: url, BOND_WEBHOOK_SECRET: secret }, GC_ARGS),
  "bare-ws": (url) =>
    startProcess(join(ROOT, "bench/baseline-realtime-server.mjs"), { DATABASE_URL: url, BOND_WEBHOOK_SECRET: secret }, GC_ARGS),
};
const runs = [];
for (let index = 0; index < rounds; index += 1) {
  for (const size of sizes) {
    const order = sides.map((_, at) => sides[(at + index) % sides.length]);
    const database = await createDatabase();
    const customers = Math.max(1, Math.ceil(size / perCustomer));
    try {
      // Our server migrates the database at start: the baselines use its tables.
      if (order[0] !== "ours") await (await starters.ours(database.url)).stop();
      for (const side of order) {
        const server = await starters[side](database.url);
        try {
          const ids = await seedCustomers(database.url, customers + webhooks);
          const result = await measure(side, server, ids.slice(0, customers), size, ids.slice(customers));
          console.error(JSON.stringify({ round: index + 1, size, ...result }));
          runs.push({ round: index + 1, size, ...result });
        } finally {
          await server.stop();
        }
      }
    } finally {
      await database.drop();
    }
  }
}
const median = (values) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : round((sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2, 1);
};
const medians = sizes.flatMap((size) =>
  sides.map((side) => {
    const mine = runs.filter((run) => run.size === size && run.side === side);
    return {
      size,
      side,
      rounds: mine.length,
      p50ms: median(mine.map((run) => run.p50ms)),
      p99ms: median(mine.map((run) => run.p99ms)),
      serverCpuMsPerWebhook: median(mine.map((run) => run.serverCpuMsPerWebhook)),
      serverCpuMsPerUnwatchedWebhook: median(mine.map((run) => run.serverCpuMsPerUnwatchedWebhook)),
      fanoutCpuMsPerWebhook: median(mine.map((run) => run.fanoutCpuMsPerWebhook)),
      rssKbPerIdleSubscription: median(mine.map((run) => run.rssKbPerIdleSubscription)),
      loads: mine.map((run) => run.loadBefore),
    };
  }),
);
report("fan-out: webhook → graphql-ws subscribers", {
  machine: env,
  smoke: SMOKE,
  rounds,
  subscribersPerCustomer: perCustomer,
  webhookRatePerSecond: ratePerSecond,
  targets: "p99 < 25 ms at 10,000 subscriptions and CPU/webhook <= stock graphql-ws; <= 20 KB RSS per idle subscription (after GC)",
  medians,
  runs,
});
if (
  runs.some((run) => run.side === "ours" && (run.failedSubscriptions > 0 || run.failedPosts > 0 || run.deliveries < run.expectedDeliveries))
) {
  console.error("ours lost subscriptions, webhooks or deliveries");
  process.exit(1);
}
