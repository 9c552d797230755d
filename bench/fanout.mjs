// Fan-out: N concurrent graphql-ws subscriptions (real WebSockets, one each, held by a separate process),
// 100 per customer; paced webhooks, each fanned out to that customer's subscribers. Reports webhook →
// subscriber delivery p50/p99 and server RSS per idle subscription, for ours and for a bare ws + LISTEN
// baseline, same run. `--smoke`: 200 subscriptions, a few webhooks; `--sizes=1000,10000`; `--profile`.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { arg, build, createDatabase, loadNow, machine, percentile, PROFILE, report, ROOT, round, seedCustomers, signWebhook, sleep, SMOKE, startClients, startProcess, startServer } from "./lib.mjs";

const sizes = arg("sizes", SMOKE ? "200" : "1000,10000").split(",").map(Number);
const perCustomer = 100;
const webhooks = Number(arg("webhooks", SMOKE ? 10 : 200));
const ratePerSecond = Number(arg("rate", 20));
const secret = randomBytes(16).toString("hex");
const EVENTS = ["kyc.verification.under_review", "kyc.verification.document_required"];

async function measure(side, server, ids, size) {
  const clients = startClients();
  try {
    await sleep(1000);
    const rssBefore = server.rssKb();
    const opened = await clients.open(`${server.url.replace(/^http/, "ws")}/graphql`, ids, size);
    await sleep(3000); // let the connection burst settle
    const rssAfter = server.rssKb();
    await clients.stats(); // drop nothing-yet
    const loadBefore = loadNow();
    const cpuBefore = server.cpuMs();
    let failedPosts = 0;
    for (let index = 0; index < webhooks; index += 1) {
      const event = EVENTS[Math.floor(index / ids.length) % 2];
      const raw = JSON.stringify({ event, customer_id: ids[index % ids.length], occurred_at: new Date().toISOString(), ...(event.endsWith("document_required") && { documents: ["government_id"] }) });
      const response = await fetch(`${server.url}/webhooks/bond`, { method: "POST", headers: { "content-type": "application/json", "bond-signature": signWebhook(secret, raw) }, body: raw });
      if (!response.ok) failedPosts += 1;
      await response.arrayBuffer();
      await sleep(1000 / ratePerSecond);
    }
    await sleep(2000); // let the last deliveries arrive
    const cpuMs = server.cpuMs() - cpuBefore;
    const { latenciesMs } = await clients.stats();
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
      loadBefore,
    };
  } finally {
    await clients.close();
  }
}

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const results = [];
for (const size of sizes) {
  const database = await createDatabase();
  const customers = Math.max(1, Math.ceil(size / perCustomer));
  const ours = await startServer({ DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret }, PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench/profiles")}`] : []);
  const baseline = await startProcess(join(ROOT, "bench/baseline-realtime-server.mjs"), { DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret });
  try {
    const oursIds = await seedCustomers(database.url, customers);
    const baselineIds = await seedCustomers(database.url, customers);
    results.push({ size, ours: await measure("ours", ours, oursIds, size), baseline: await measure("baseline", baseline, baselineIds, size) });
  } finally {
    await ours.stop();
    await baseline.stop();
    await database.drop();
  }
}
report("fan-out: webhook → graphql-ws subscribers", { machine: env, smoke: SMOKE, subscribersPerCustomer: perCustomer, webhookRatePerSecond: ratePerSecond, targets: "p99 < 25 ms at 10,000 subscriptions; <= 20 KB RSS per idle subscription", results });
if (results.some(({ ours }) => ours.failedSubscriptions > 0 || ours.failedPosts > 0 || ours.deliveries < ours.expectedDeliveries)) {
  console.error("ours lost subscriptions, webhooks or deliveries");
  process.exit(1);
}
