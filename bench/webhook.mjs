// Webhook ingest: durable events per second and time to 2xx, with N subscribers connected (in a separate
// process), ours vs a bare node:http baseline doing the same transaction by hand, same run, same database.
// `--smoke`: a few seconds; `--subscribers=N` (default 1000); `--rounds=N` (default 3): ours and the baseline
// interleaved N times (ours first in odd rounds, the baseline first in even ones), medians reported;
// `--profile`: CPU profile of ours.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import {
  arg,
  build,
  createDatabase,
  loadNow,
  machine,
  PROFILE,
  report,
  ROOT,
  round,
  seedCustomers,
  signWebhook,
  SMOKE,
  startClients,
  startProcess,
  startServer,
} from "./lib.mjs";

const duration = Number(arg("duration", SMOKE ? 2 : 10));
const connections = Number(arg("connections", 50));
const subscriberCount = Number(arg("subscribers", SMOKE ? 50 : 1000));
const rounds = Number(arg("rounds", SMOKE ? 1 : 3));
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
          const body = {
            event,
            customer_id: ids[index % ids.length],
            occurred_at: new Date(startMs + index).toISOString(),
            ...(event.endsWith("document_required") && { documents: ["government_id"] }),
          };
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

/** The median of each figure over the rounds (the failure counts summed). */
function medians(results) {
  const median = (key) => {
    const sorted = results.map((result) => result[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const sum = (key) => results.reduce((total, result) => total + result[key], 0);
  return {
    eventsPerSecond: median("eventsPerSecond"),
    p50ms: median("p50ms"),
    p99ms: median("p99ms"),
    serverCpuMsPerEvent: median("serverCpuMsPerEvent"),
    responses2xx: sum("responses2xx"),
    storedEvents: sum("storedEvents"),
    non2xx: sum("non2xx"),
    errors: sum("errors"),
  };
}

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const database = await createDatabase();
const ours = await startServer(
  { DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret },
  PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench/profiles")}`] : [],
);
const oursIds = await seedCustomers(database.url, customerCount);
const baselineIds = await seedCustomers(database.url, customerCount);
const baseline = await startProcess(join(ROOT, "bench/baseline-realtime-server.mjs"), {
  DATABASE_URL: database.url,
  BOND_WEBHOOK_SECRET: secret,
});
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
  const measure = async (server, ids, start) => {
    const stored = await countEvents(ids);
    const cpu = server.cpuMs();
    const outcome = await run(server.url, ids, start);
    const cpuMs = server.cpuMs() - cpu;
    return { ...summary(outcome, (await countEvents(ids)) - stored), serverCpuMsPerEvent: round(cpuMs / outcome["2xx"], 2) };
  };
  const oursRounds = [];
  const baselineRounds = [];
  for (let index = 0; index < rounds; index += 1) {
    // Each round's events are a day after the previous round's, so they are newer and change the status.
    const start = Date.UTC(2026, 0, 1) + index * 86_400_000;
    if (index % 2 === 0) {
      oursRounds.push(await measure(ours, oursIds, start));
      baselineRounds.push(await measure(baseline, baselineIds, start));
    } else {
      baselineRounds.push(await measure(baseline, baselineIds, start));
      oursRounds.push(await measure(ours, oursIds, start));
    }
  }
  const oursResult = { ...medians(oursRounds), rounds: oursRounds };
  const baselineResult = { ...medians(baselineRounds), rounds: baselineRounds };
  const { messages } = await oursClients.stats();
  const { messages: baselineMessages } = await baselineClients.stats();
  result = {
    machine: env,
    smoke: SMOKE,
    target: ">= 2000 durable events/s",
    connections,
    durationSeconds: duration,
    rounds,
    subscribers: { ours: opened.count, baseline: baselineOpened.count },
    subscriberMessages: { ours: messages, baseline: baselineMessages },
    loadBefore,
    loadAfter: loadNow(),
    ours: oursResult,
    baseline: baselineResult,
    ratio: round(oursResult.eventsPerSecond / baselineResult.eventsPerSecond, 2),
    cpuRatio: round(oursResult.serverCpuMsPerEvent / baselineResult.serverCpuMsPerEvent, 2),
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
