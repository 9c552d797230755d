// Run as its own process by test/db/postgres-driver-patch.test.ts: drives postgres.js (the project's installed copy)
// through a TCP proxy, cuts every socket while transactions are in flight, several rounds, and prints one JSON line
// with how the queries ended. Unpatched, postgres.js 3.4.9 throws from a setImmediate here and the process dies.
import postgres from "postgres";
import { startTcpProxy } from "./tcp-proxy.mjs";

const target = new URL(process.env.DATABASE_URL);
const rounds = Number(process.env.ROUNDS ?? 5);
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
const routed = new URL(process.env.DATABASE_URL);
routed.hostname = "127.0.0.1";
routed.port = String(proxy.port);

// Rejections of queries the driver abandons are not this test's subject: count them, do not die of them.
let unhandled = 0;
process.on("unhandledRejection", () => (unhandled += 1));

const sql = postgres(routed.toString(), { max: 10, onnotice() {}, connect_timeout: 2 });
// A query still unsettled after this long counts as hung (the driver's own hang; the app bounds it separately).
const HUNG_AFTER_MS = 3000;
let ok = 0;
let failed = 0;
let hung = 0;
const settle = (promise) =>
  new Promise((resolve) => {
    let counted = false;
    const count = (kind) => {
      if (counted) return;
      counted = true;
      if (kind === "ok") ok += 1;
      else if (kind === "failed") failed += 1;
      else hung += 1;
      resolve();
    };
    setTimeout(() => count("hung"), HUNG_AFTER_MS).unref();
    promise.then(
      () => count("ok"),
      () => count("failed"),
    );
  });
for (let round = 0; round < rounds; round += 1) {
  const pending = [];
  for (let i = 0; i < 30; i += 1) {
    pending.push(
      settle(
        sql.begin(async (tx) => {
          await tx`select pg_sleep(0.01)`;
          await tx`select ${i}::int`;
        }),
      ),
    );
    if (i === 12) proxy.cut(); // RST every socket, and every new one until restore()
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  proxy.restore();
  await Promise.all(pending);
}
console.log(JSON.stringify({ rounds, ok, failed, hung, unhandled }));
process.exit(0);
