// Webhook ingest: durable events per second and time to 2xx, with N subscribers connected (in a separate
// process), ours vs a bare node:http baseline doing the same transaction by hand, same run, same database.
// `--smoke`: a few seconds; `--subscribers=N` (default 1000); `--profile`: CPU profile of ours.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import { arg, build, createDatabase, loadNow, machine, PROFILE, report, ROOT, round, seedCustomers, signWebhook, SMOKE, startClients, startProcess, startServer } from "./lib.mjs";

const duration = Number(arg("duration", SMOKE ? 2 : 10));
const connections = Number(arg("connections", 50));
const subscriberCount = Number(arg("subscribers", SMOKE ? 50 : 1000));
const customerCount = SMOKE ? 200 : 2000;
const secret = randomBytes(16).toString("hex");
const EVENTS = ["kyc.verification.under_review", "kyc.verification.document_required"];

/** Every request a distinct event (new occurred_at), alternating statuses so each one changes the customer. */
function run(url, ids, startMs) {
  let next = 0;
  return autocannon({
    url: `${url}/webhooks/bond`,
    connections,
    duration,
    method: "POST",
    requests: [
      {
        setupRequest(request) {
          const index = next++;
          const event = EVENTS[Math.floor(index / ids.length) % 2];
          const body = { event, customer_id: ids[index % ids.length], occurred_at: new Date(startMs + index).toISOString(), ...(event.endsWith("document_required") && { documents: ["government_id"] }) };
          const raw = JSON.stringify(body);
          return { ...request, body: raw, headers: { "content-type": "application/json", "bond-signature": signWebhook(secret, raw) } };
        },
      },
    ],
  });
}

const summary = (result, stored) => ({
  eventsPerSecond: round(result["2xx"] / (result.duration || duration), 0),
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
  responses2xx: result["2xx"],
  // At least responses2xx: requests still in flight when the run stops are stored too.
  storedEvents: stored,
  non2xx: result.non2xx,
  errors: result.errors,
});

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const database = await createDatabase();
const ours = await startServer({ DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret }, PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench/profiles")}`] : []);
const oursIds = await seedCustomers(database.url, customerCount);
const baselineIds = await seedCustomers(database.url, customerCount);
const baseline = await startProcess(join(ROOT, "bench/baseline-realtime-server.mjs"), { DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret });
const oursClients = startClients();
const baselineClients = startClients();
const sql = postgres(database.url, { max: 1, onnotice: () => {} });
const countEvents = async (ids) => Number((await sql`select count(*)::int as n from kyc_events where customer_id in ${sql(ids)}`)[0].n);
let result;
try {
  const opened = await oursClients.open(`${ours.url.replace(/^http/, "ws")}/graphql`, oursIds, subscriberCount);
  const baselineOpened = await baselineClients.open(`${baseline.url.replace(/^http/, "ws")}/graphql`, baselineIds, subscriberCount);
  // Warm-up (JIT, pools), then measure ours and the baseline back to back.
  const warm = Date.UTC(2025, 0, 1);
  await run(ours.url, oursIds.slice(0, 100), warm);
  await run(baseline.url, baselineIds.slice(0, 100), warm);
  const loadBefore = loadNow();
  const storedBefore = { ours: await countEvents(oursIds), baseline: await countEvents(baselineIds) };
  const start = Date.UTC(2026, 0, 1);
  let cpu = ours.cpuMs();
  const oursRun = await run(ours.url, oursIds, start);
  const oursCpu = ours.cpuMs() - cpu;
  cpu = baseline.cpuMs();
  const baselineRun = await run(baseline.url, baselineIds, start);
  const baselineCpu = baseline.cpuMs() - cpu;
  const oursResult = { ...summary(oursRun, (await countEvents(oursIds)) - storedBefore.ours), serverCpuMsPerEvent: round(oursCpu / oursRun["2xx"], 2) };
  const baselineResult = { ...summary(baselineRun, (await countEvents(baselineIds)) - storedBefore.baseline), serverCpuMsPerEvent: round(baselineCpu / baselineRun["2xx"], 2) };
  const { messages } = await oursClients.stats();
  const { messages: baselineMessages } = await baselineClients.stats();
  result = {
    machine: env,
    smoke: SMOKE,
    target: ">= 2000 durable events/s",
    connections,
    durationSeconds: duration,
    subscribers: { ours: opened.count, baseline: baselineOpened.count },
    subscriberMessages: { ours: messages, baseline: baselineMessages },
    loadBefore,
    loadAfter: loadNow(),
    ours: oursResult,
    baseline: baselineResult,
    ratio: round(oursResult.eventsPerSecond / baselineResult.eventsPerSecond, 2),
  };
} finally {
  await Promise.all([oursClients.close(), baselineClients.close()]);
  await sql.end();
  await ours.stop();
  await baseline.stop();
  await database.drop();
}
report("webhook ingest", result);
if (result.ours.non2xx > 0 || result.ours.errors > 0 || result.ours.storedEvents < result.ours.responses2xx) {
  console.error("ours failed requests, or acknowledged events it did not store");
  process.exit(1);
}
