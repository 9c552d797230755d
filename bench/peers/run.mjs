// `npm run bench:peers`: our server against the servers a user would pick instead, all answering
// `customer(id) { kycStatus }` from the same table with the same postgres.js pool (10) and the same
// HS256 JWT checked per request. Every server and the load generator (load.mjs) run as processes of
// their own; sides are interleaved round by round with the order rotated each round; medians of
// req/s, p99 and the server process's CPU ms per request (from /proc/<pid>/stat), load average per round.
//   --rounds N (3)  --duration S (10)  --connections 50,200  --only name,name  --no-build
//   --smoke: 1 round of 1 s at 10 connections (CI: keeps the script working; figures mean nothing).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  build,
  createDatabase,
  JWT_SECRET,
  loadNow,
  machine,
  ROOT,
  round,
  seedCustomers,
  SERVICE_TOKEN,
  SMOKE,
  startProcess,
  startServer,
} from "../lib.mjs";

/** `--name value` or `--name=value`. */
function option(name, fallback) {
  const index = process.argv.findIndex((value) => value === `--${name}` || value.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const value = process.argv[index].includes("=") ? process.argv[index].slice(name.length + 3) : process.argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

const rounds = Number(option("rounds", SMOKE ? 1 : 3));
const durationSeconds = Number(option("duration", SMOKE ? 1 : 10));
const warmupSeconds = SMOKE ? 0 : 3; // JIT, pools, caches; smoke runs skip it
const connectionsList = option("connections", SMOKE ? "10" : "50,200")
  .split(",")
  .map(Number);
if (!(rounds >= 1) || !(durationSeconds >= 1) || connectionsList.some((count) => !(count >= 1)))
  throw new Error("--rounds, --duration and --connections must be positive numbers");
const query = "query Customer($id: ID!) { customer(id: $id) { kycStatus } }";
const expectedData = { customer: { kycStatus: "NOT_STARTED" } };

const PEERS = [
  { name: "graphql-js-cached", label: "node:http + graphql-js, parse/validate cached", script: "bench/peers/graphql-js-cached.mjs" },
  { name: "graphql-jit", label: "node:http + graphql-jit", script: "bench/peers/graphql-jit.mjs" },
  { name: "mercurius", label: "mercurius (fastify, `jit: 1`)", script: "bench/peers/mercurius.mjs" },
  { name: "yoga", label: "graphql-yoga", script: "bench/peers/yoga.mjs" },
  { name: "apollo", label: "stock `@apollo/server` `startStandaloneServer`", script: "bench/peers/apollo.mjs" },
];
const OURS = { name: "kyc-graphql", label: "**kyc-graphql**" };
const only = option("only", null)?.split(",");
const sides = [...PEERS, OURS].filter((side) => !only || only.includes(side.name));

/** One autocannon run from a child process (load.mjs); resolves with its JSON line. */
function load(url, connections, seconds, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench/peers/load.mjs")], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`load.mjs exited ${code}: ${output}`));
      resolve(JSON.parse(output.trim().split("\n").at(-1)));
    });
    child.stdin.end(JSON.stringify({ url, connections, durationSeconds: seconds, token: SERVICE_TOKEN, query, ids, expectedData }));
  });
}

async function post(url, authorization) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables: { id: currentIds[0] } }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Before anything is measured: the right answer with the token, and no data without one. */
async function checkAnswers(side) {
  const answer = await post(side.server.url, `Bearer ${SERVICE_TOKEN}`);
  if (answer.status !== 200 || JSON.stringify(answer.body?.data) !== JSON.stringify(expectedData))
    throw new Error(`${side.name} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  const anonymous = await post(side.server.url, null);
  if (anonymous.body?.data?.customer) throw new Error(`${side.name} answered without a token: ${JSON.stringify(anonymous.body)}`);
  const forged = await post(side.server.url, `Bearer ${SERVICE_TOKEN.slice(0, -4)}AAAA`);
  if (forged.body?.data?.customer) throw new Error(`${side.name} accepted a token with a bad signature: ${JSON.stringify(forged.body)}`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const env = await machine();
if (!process.argv.includes("--no-build") && sides.includes(OURS)) build();
const database = await createDatabase();
let currentIds = [];
const started = [];
const runs = [];
const roundLoads = [];
try {
  // Ours first: it migrates the database; then the seed; then the peers, in parallel.
  if (sides.includes(OURS)) started.push((OURS.server = await startServer({ DATABASE_URL: database.url })));
  else await migrateWithOurs(database.url);
  currentIds = await seedCustomers(database.url, SMOKE ? 200 : 2000);
  await Promise.all(
    PEERS.filter((peer) => sides.includes(peer)).map(async (peer) => {
      peer.server = await startProcess(join(ROOT, peer.script), {
        DATABASE_URL: database.url,
        AUTH_JWT_SECRET: JWT_SECRET,
        PEER_POOL_MAX: "10",
      });
      started.push(peer.server);
    }),
  );
  for (const side of sides) await checkAnswers(side);
  console.log(`all ${sides.length} servers answer correctly and refuse missing or forged tokens`);
  if (warmupSeconds > 0) for (const side of sides) await load(side.server.url, 10, warmupSeconds, currentIds);

  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    const order = sides.map((_, index) => sides[(index + roundIndex) % sides.length]);
    const loadBefore = loadNow();
    for (const connections of connectionsList) {
      for (const side of order) {
        const cpuBefore = side.server.cpuMs();
        const result = await load(side.server.url, connections, durationSeconds, currentIds);
        const serverCpuMs = side.server.cpuMs() - cpuBefore;
        runs.push({
          round: roundIndex + 1,
          side: side.name,
          connections,
          ...result,
          serverCpuMs,
          serverCpuMsPerRequest: serverCpuMs / Math.max(1, result.requests2xx),
        });
        console.log(
          `round ${roundIndex + 1} ${String(connections).padStart(3)} conns ${side.name.padEnd(18)} ${round(result.requestsPerSecond, 0)} req/s, p99 ${result.p99ms} ms, ${round(serverCpuMs / Math.max(1, result.requests2xx), 3)} CPU ms/req`,
        );
      }
    }
    roundLoads.push({ round: roundIndex + 1, order: order.map((side) => side.name), loadBefore, loadAfter: loadNow() });
  }
} finally {
  for (const server of started) await server.stop();
  await database.drop();
}

async function migrateWithOurs(databaseUrl) {
  const server = await startServer({ DATABASE_URL: databaseUrl });
  await server.stop();
}

const results = sides.map((side) => ({
  server: side.name,
  label: side.label,
  byConnections: Object.fromEntries(
    connectionsList.map((connections) => {
      const mine = runs.filter((run) => run.side === side.name && run.connections === connections);
      return [
        connections,
        {
          medianRequestsPerSecond: round(median(mine.map((run) => run.requestsPerSecond)), 0),
          medianP99ms: median(mine.map((run) => run.p99ms)),
          medianServerCpuMsPerRequest: round(median(mine.map((run) => run.serverCpuMsPerRequest)), 3),
          non2xx: mine.reduce((sum, run) => sum + run.non2xx, 0),
          errors: mine.reduce((sum, run) => sum + run.errors, 0),
          timeouts: mine.reduce((sum, run) => sum + run.timeouts, 0),
          mismatches: mine.reduce((sum, run) => sum + run.mismatches, 0),
        },
      ];
    }),
  ),
}));

const header = ["server", ...connectionsList.flatMap((c) => [`req/s, ${c} conns`, `p99 ms, ${c}`, `CPU ms/request, ${c}`])];
const number = (value, digits = 0) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
for (const result of results) {
  const cells = connectionsList.flatMap((c) => {
    const figures = result.byConnections[c];
    return [number(figures.medianRequestsPerSecond), number(figures.medianP99ms), number(figures.medianServerCpuMsPerRequest, 2)];
  });
  lines.push(`| ${result.label} | ${cells.join(" | ")} |`);
}
const table = lines.join("\n");
const summary = {
  date: new Date().toISOString(),
  machine: env,
  smoke: SMOKE,
  rounds,
  durationSeconds,
  connections: connectionsList,
  query,
  pool: 10,
  roundLoads,
  results,
  runs,
};
const stamp = new Date().toISOString().slice(0, 16).replace(":", "-");
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, `bench/results/peers-${stamp}${SMOKE ? "-smoke" : ""}.json`);
writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);

console.log(
  `\n== peers: customer(id) { kycStatus }, medians of ${rounds} round(s) of ${durationSeconds} s (load average per round: ${roundLoads.map((entry) => entry.loadBefore.split(" ")[0]).join(", ")})\n`,
);
console.log(table);
console.log(`\nmachine: ${env.cpus} × ${env.cpuModel}, node ${env.node}, postgres ${env.postgres}; written to ${file}`);

const bad = results.filter((result) =>
  Object.values(result.byConnections).some((figures) => figures.non2xx > 0 || figures.mismatches > 0 || figures.errors > 0),
);
if (bad.length) {
  console.error(`wrong answers, non-2xx or errors from: ${bad.map((result) => result.server).join(", ")}`);
  process.exit(1);
}
