// `customer { kycStatus }` throughput and latency: our server vs a bare node:http + graphql-js baseline,
// same table, same run, at 50 and 200 connections. `--smoke`: a few seconds; `--profile`: CPU profile of ours.
import { join } from "node:path";
import autocannon from "autocannon";
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
  SERVICE_TOKEN,
  SMOKE,
  startProcess,
  startServer,
} from "./lib.mjs";

const duration = Number(arg("duration", SMOKE ? 2 : 10));
const connectionsList = SMOKE ? [50] : [50, 200];
const query = "query Customer($id: ID!) { customer(id: $id) { kycStatus } }";

function run(url, connections, ids) {
  let next = 0;
  return autocannon({
    url: `${url}/graphql`,
    connections,
    duration,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_TOKEN}` },
    requests: [
      { setupRequest: (request) => ({ ...request, body: JSON.stringify({ query, variables: { id: ids[next++ % ids.length] } }) }) },
    ],
  });
}

const summary = (result) => ({
  requestsPerSecond: round(result.requests.average, 0),
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
});

function average(list) {
  const mean = (key) => round(list.reduce((sum, item) => sum + item[key], 0) / list.length, 0);
  const total = (key) => list.reduce((sum, item) => sum + item[key], 0);
  return {
    requestsPerSecond: mean("requestsPerSecond"),
    serverCpuMsPerRequest: round(list.reduce((sum, item) => sum + item.serverCpuMsPerRequest, 0) / list.length, 3),
    p50ms: mean("p50ms"),
    p99ms: mean("p99ms"),
    non2xx: total("non2xx"),
    errors: total("errors"),
    timeouts: total("timeouts"),
  };
}

const env = await machine();
if (!process.argv.includes("--no-build")) build();
const database = await createDatabase();
const profileDir = join(ROOT, "bench/profiles");
const ours = await startServer({ DATABASE_URL: database.url }, PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
const ids = await seedCustomers(database.url, SMOKE ? 200 : 2000);
const baseline = await startProcess(join(ROOT, "bench/baseline-query-server.mjs"), { DATABASE_URL: database.url });
const results = [];
try {
  // Both must really answer the query (not an error with a 200) before they are measured.
  for (const server of [ours, baseline]) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({ query, variables: { id: ids[0] } }),
    });
    const body = await response.json();
    if (body.data?.customer?.kycStatus !== "NOT_STARTED") throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
  }
  // Warm both (JIT, connection pools) before measuring.
  await run(ours.url, 10, ids).then(() => run(baseline.url, 10, ids));
  // Rounds in A-B-B-A order, averaged, so load from others on the machine hits both sides alike.
  const rounds = SMOKE ? 1 : 2;
  for (const connections of connectionsList) {
    const load = loadNow();
    const runs = { ours: [], baseline: [] };
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? ["ours", "baseline"] : ["baseline", "ours"];
      for (const side of order) {
        const server = side === "ours" ? ours : baseline;
        const cpu = server.cpuMs();
        const result = await run(server.url, connections, ids);
        runs[side].push({ ...summary(result), serverCpuMsPerRequest: (server.cpuMs() - cpu) / result["2xx"] });
      }
    }
    const oursResult = average(runs.ours);
    const baselineResult = average(runs.baseline);
    results.push({
      connections,
      durationSeconds: duration,
      rounds,
      loadBefore: load,
      loadAfter: loadNow(),
      ours: oursResult,
      baseline: baselineResult,
      ratio: round(oursResult.requestsPerSecond / baselineResult.requestsPerSecond, 2),
    });
  }
} finally {
  await ours.stop();
  await baseline.stop();
  await database.drop();
}
report("query: customer { kycStatus }", { machine: env, smoke: SMOKE, target: "ours >= 0.70 x baseline req/s", results });
const failed = results.some((result) => result.ours.non2xx > 0 || result.ours.errors > 0);
if (failed) {
  console.error("ours answered errors");
  process.exit(1);
}
