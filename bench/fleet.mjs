// Fleet: one instance vs three on one Postgres (issue 14). Signed webhooks with autocannon (each a distinct
// event that changes its customer's status), sent to the instances (one load generator per instance,
// the connections split between them); graphql-ws subscribers (a separate process) spread over the instances,
// `--per-customer` per customer. Rounds interleaved (1-3, 3-1, 1-3), medians of `--rounds`:
//   events/s (2xx/s, checked against rows in kyc_events), delivery p50/p99 (webhook posted → subscriber
//   receives it; the event's occurred_at is set when the request is sent), time to 2xx p99, server CPU per event
//   (all instances together), every change delivered to every subscriber (checked against kyc_status_changes).
// Then the ceiling of the bus itself (Postgres NOTIFY, no server): committed transactions per second that update
// a row and pg_notify a ~200-byte payload, heard by 3 LISTEN connections, against the same without the notify.
// `--smoke`: a few seconds; `--warmup=S` (8) per instance before the rounds. `--bus-url=URL`: passes EVENT_BUS_URL=URL to the instances (another transport).
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import {
  arg,
  build,
  createDatabase,
  loadNow,
  machine,
  percentile,
  report,
  round,
  seedCustomers,
  signWebhook,
  sleep,
  SMOKE,
  startClients,
  startServer,
} from "./lib.mjs";

const duration = Number(arg("duration", SMOKE ? 1 : 8));
const rounds = Number(arg("rounds", SMOKE ? 1 : 3));
const connections = Number(arg("connections", 30));
const customerCount = Number(arg("customers", SMOKE ? 30 : 150));
const perCustomer = Number(arg("per-customer", 3));
const busUrl = arg("bus-url", undefined);
const warmup = Number(arg("warmup", SMOKE ? 1 : 8));
const idleSeconds = SMOKE ? 0.5 : 3;
const ceilingSeconds = Number(arg("ceiling-seconds", SMOKE ? 1 : 5));
const ceilingSenders = Number(arg("ceiling-senders", 16));
const secret = randomBytes(16).toString("hex");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A fleet of `size` instances on a database of its own, with `perCustomer` subscribers per customer spread over them. */
async function startFleet(size) {
  const database = await createDatabase();
  const env = { DATABASE_URL: database.url, BOND_WEBHOOK_SECRET: secret, LOG_LEVEL: "warn", ...(busUrl ? { EVENT_BUS_URL: busUrl } : {}) };
  const servers = [await startServer(env)]; // the first applies the migrations
  servers.push(...(await Promise.all(Array.from({ length: size - 1 }, () => startServer(env)))));
  const ids = await seedCustomers(database.url, customerCount);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const clients = startClients();
  let subscribers = 0;
  let failed = 0;
  // Subscriber j of each customer on instance j mod size: every customer has subscribers on every instance.
  for (let j = 0; j < perCustomer; j += 1) {
    const opened = await clients.open(`${servers[j % size].url.replace(/^http/, "ws")}/graphql`, ids, ids.length);
    subscribers += opened.count;
    failed += opened.failed;
  }
  // Each customer's next event alternates, so every webhook changes the status.
  const flips = new Map(ids.map((id) => [id, 0]));
  return { size, database, servers, ids, sql, clients, subscribers, failedSubscribers: failed, flips };
}

async function stopFleet(fleet) {
  await fleet.clients.close();
  await fleet.sql.end();
  await Promise.all(fleet.servers.map((server) => server.stop()));
  await fleet.database.drop();
}

/** One load generator against one instance, for `ids` (each customer's webhooks go to one instance, in order). */
function load(fleet, url, ids, connectionCount, seconds) {
  let next = 0;
  return autocannon({
    url: `${url}/webhooks/bond`,
    connections: connectionCount,
    duration: seconds,
    method: "POST",
    requests: [
      {
        setupRequest(request) {
          const customerId = ids[next++ % ids.length];
          const flip = fleet.flips.get(customerId);
          fleet.flips.set(customerId, flip + 1);
          const event = flip % 2 ? "kyc.verification.document_required" : "kyc.verification.under_review";
          // Sent now: the subscriber measures delivery from this time (same machine, same clock).
          const body = {
            event,
            customer_id: customerId,
            occurred_at: new Date().toISOString(),
            ...(flip % 2 && { documents: ["government_id"] }),
          };
          const raw = JSON.stringify(body);
          return { ...request, body: raw, headers: { "content-type": "application/json", "bond-signature": signWebhook(secret, raw) } };
        },
      },
    ],
  });
}

const count = async (sql, table) => Number((await sql.unsafe(`select count(*)::int as n from ${table}`))[0].n);

/** One measured run: the connections split over the instances, customers partitioned between them. */
async function measure(fleet, seconds) {
  const { servers, ids, sql, clients } = fleet;
  await clients.stats(); // drop what came before
  const messagesBefore = (await clients.stats()).messages;
  const [eventsBefore, changesBefore] = [await count(sql, "kyc_events"), await count(sql, "kyc_status_changes")];
  const cpuBefore = servers.map((server) => server.cpuMs());
  const loadBefore = loadNow();
  const results = await Promise.all(
    servers.map((server, index) =>
      load(
        fleet,
        server.url,
        ids.filter((_, at) => at % servers.length === index),
        Math.max(1, Math.round(connections / servers.length)),
        seconds,
      ),
    ),
  );
  const cpuMs = servers.reduce((sum, server, index) => sum + server.cpuMs() - cpuBefore[index], 0);
  // Requests still in flight when the generators stopped are stored too: count once the table stops growing.
  for (let last = -1, now = await count(sql, "kyc_events"); now !== last;)
    [last, now] = [now, (await sleep(200), await count(sql, "kyc_events"))];
  const changes = (await count(sql, "kyc_status_changes")) - changesBefore;
  const expectedMessages = changes * perCustomer;
  // Wait for the last deliveries (bounded): every change to every subscriber of its customer.
  const deadline = Date.now() + 15_000;
  let stats = await clients.stats();
  const latencies = [...stats.latenciesMs];
  while (stats.messages - messagesBefore < expectedMessages && Date.now() < deadline) {
    await sleep(100);
    stats = await clients.stats();
    latencies.push(...stats.latenciesMs);
  }
  latencies.sort((a, b) => a - b);
  const ok = results.reduce((sum, result) => sum + result["2xx"], 0);
  const elapsed = Math.max(...results.map((result) => result.duration || seconds));
  const to2xx = results.flatMap((result) => [result.latency.p99]);
  return {
    instances: servers.length,
    eventsPerSecond: round(ok / elapsed, 0),
    responses2xx: ok,
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    storedEvents: (await count(sql, "kyc_events")) - eventsBefore,
    statusChanges: changes,
    deliveries: stats.messages - messagesBefore,
    expectedDeliveries: expectedMessages,
    deliveryP50ms: round(percentile(latencies, 50), 1),
    deliveryP99ms: round(percentile(latencies, 99), 1),
    to2xxP99ms: Math.max(...to2xx),
    serverCpuMsPerEvent: round(cpuMs / ok, 2),
    loadBefore,
    loadAfter: loadNow(),
  };
}

/**
 * The bus alone: `ceilingSenders` connections committing `update …; select pg_notify(…)` as fast as they can for
 * `ceilingSeconds`, three LISTEN connections counting what they hear and how late; then the same without the notify.
 */
async function busCeiling() {
  const database = await createDatabase();
  const sql = postgres(database.url, { max: ceilingSenders, onnotice: () => {} });
  const listeners = Array.from({ length: 3 }, () => postgres(database.url, { max: 1, onnotice: () => {} }));
  try {
    await sql`create table ceiling_rows (id int primary key, version int not null default 0)`;
    await sql`insert into ceiling_rows (id) select generate_series(0, ${ceilingSenders * 50 - 1})`;
    const heard = [0, 0, 0];
    const lags = [];
    for (const [index, listener] of listeners.entries()) {
      await listener.listen("bench_ceiling", (payload) => {
        heard[index] += 1;
        if (index === 0) lags.push(Date.now() - JSON.parse(payload).sentAt);
      });
    }
    const padding = "x".repeat(120); // about the size of the server's payload (ids, status, version, event, time)
    async function run(notify) {
      const stopAt = Date.now() + ceilingSeconds * 1000;
      let committed = 0;
      const startedAt = Date.now();
      await Promise.all(
        Array.from({ length: ceilingSenders }, async (_, sender) => {
          for (let n = 0; Date.now() < stopAt; n += 1) {
            const id = sender * 50 + (n % 50);
            await sql.begin(async (tx) => {
              await tx`update ceiling_rows set version = version + 1 where id = ${id}`;
              if (notify) await tx`select pg_notify('bench_ceiling', ${JSON.stringify({ id, sentAt: Date.now(), padding })})`;
            });
            committed += 1;
          }
        }),
      );
      return { committed, seconds: (Date.now() - startedAt) / 1000 };
    }
    const plain = await run(false);
    const withNotify = await run(true);
    const deadline = Date.now() + 15_000;
    while (heard.some((value) => value < withNotify.committed) && Date.now() < deadline) await sleep(50);
    lags.sort((a, b) => a - b);
    return {
      senders: ceilingSenders,
      listeners: listeners.length,
      seconds: ceilingSeconds,
      commitsPerSecondWithoutNotify: round(plain.committed / plain.seconds, 0),
      commitsPerSecondWithNotify: round(withNotify.committed / withNotify.seconds, 0),
      heardByEachListener: heard,
      sent: withNotify.committed,
      lagP50ms: percentile(lags, 50),
      lagP99ms: percentile(lags, 99),
    };
  } finally {
    await Promise.all(listeners.map((listener) => listener.end()));
    await sql.end();
    await database.drop();
  }
}

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const one = await startFleet(1);
const three = await startFleet(3);
let result;
let failed = false;
try {
  // Warm-up (JIT, pools): `warmup` seconds per instance, so that each of the three has served about as many events
  // as the single one (with the same time for both, the three-instance runs still got faster round after round).
  // Then what each fleet costs doing nothing (reconcilers, keep-alives, timers).
  await measure(one, warmup);
  await measure(three, warmup * 3);
  const idle = {};
  for (const fleet of [one, three]) {
    const before = fleet.servers.map((server) => server.cpuMs());
    await sleep(idleSeconds * 1000);
    idle[fleet.size] = round(fleet.servers.reduce((sum, server, index) => sum + server.cpuMs() - before[index], 0) / idleSeconds, 1);
  }
  const runs = { 1: [], 3: [] };
  for (let index = 0; index < rounds; index += 1) {
    const order = index % 2 ? [three, one] : [one, three];
    for (const fleet of order) runs[fleet.size].push(await measure(fleet, duration));
  }
  const all = [...runs[1], ...runs[3]];
  failed = all.some(
    (run) => run.non2xx > 0 || run.errors > 0 || run.storedEvents < run.responses2xx || run.deliveries < run.expectedDeliveries,
  );
  const summarise = (list) => ({
    eventsPerSecond: median(list.map((run) => run.eventsPerSecond)),
    deliveryP99ms: median(list.map((run) => run.deliveryP99ms)),
    deliveryP50ms: median(list.map((run) => run.deliveryP50ms)),
    to2xxP99ms: median(list.map((run) => run.to2xxP99ms)),
    serverCpuMsPerEvent: median(list.map((run) => run.serverCpuMsPerEvent)),
  });
  const ceiling = await busCeiling();
  result = {
    machine: env,
    smoke: SMOKE,
    bus: busUrl ? `EVENT_BUS_URL (${new URL(busUrl).protocol}//…)` : "Postgres LISTEN/NOTIFY",
    connections,
    durationSeconds: duration,
    rounds,
    customers: customerCount,
    subscribers: { one: one.subscribers, three: three.subscribers, failed: one.failedSubscribers + three.failedSubscribers },
    median: { one: summarise(runs[1]), three: summarise(runs[3]) },
    idleServerCpuMsPerSecond: { one: idle[1], three: idle[3] },
    runs: all,
    busCeiling: { design: "Postgres NOTIFY (update + pg_notify per commit, 3 LISTEN connections)", ...ceiling },
  };
} finally {
  await stopFleet(one);
  await stopFleet(three);
}
report("fleet: one instance vs three", result);
if (failed) {
  console.error("a run failed requests, acknowledged events it did not store, or did not deliver every change to every subscriber");
  process.exit(1);
}
