// A separate process holding many real graphql-ws subscriptions (one WebSocket each, as a browser tab
// would): `kycStatusChanged` for the customers it is given. Driven over IPC by the benchmarks:
//   {type: "open", url, customerIds, total, token}  → {type: "opened", count, ms, failed}
//   {type: "stats"}                          → {type: "stats", latenciesMs: [...], messages}
//   {type: "close"}                          → closes every socket and exits
// Delivery latency is measured from the event's occurredAt, which the benchmark sets to the moment it
// posts the webhook (same machine, same clock).
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const SUBSCRIPTION = "subscription Watch($customerId: ID!) { kycStatusChanged(customerId: $customerId) { status version occurredAt } }";
const sockets = [];
let latencies = [];
let messages = 0;
const now = () => performance.timeOrigin + performance.now();

function openOne(url, customerId, token) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "graphql-transport-ws", { perMessageDeflate: false });
    let first = true;
    const timer = setTimeout(() => resolve(false), 60_000);
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (data) => {
      const message = JSON.parse(data);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIPTION, variables: { customerId } } }));
      } else if (message.type === "next") {
        messages += 1;
        if (first) {
          first = false;
          clearTimeout(timer);
          resolve(true);
        } else {
          latencies.push(now() - Date.parse(message.payload.data.kycStatusChanged.occurredAt));
        }
      } else if (message.type === "error") {
        clearTimeout(timer);
        resolve(false);
      }
    });
    socket.on("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    sockets.push(socket);
  });
}

process.on("message", async (command) => {
  if (command.type === "open") {
    const started = Date.now();
    let failed = 0;
    const batch = 250;
    for (let start = 0; start < command.total; start += batch) {
      const opened = await Promise.all(
        Array.from({ length: Math.min(batch, command.total - start) }, (_, index) =>
          openOne(command.url, command.customerIds[(start + index) % command.customerIds.length], command.token),
        ),
      );
      failed += opened.filter((ok) => !ok).length;
    }
    process.send({ type: "opened", count: command.total - failed, failed, ms: Date.now() - started });
  } else if (command.type === "stats") {
    process.send({ type: "stats", latenciesMs: latencies, messages });
    latencies = [];
  } else if (command.type === "close") {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
