// The webhook and fan-out benchmarks' baseline, by hand with no framework, validation library or state
// machine: POST /webhooks/bond verifies the HMAC over the raw body, then one transaction does the work ours
// does: locks the customer, records the delivery's receipt (replay refusal), stores the event once, moves the
// status, updates the round's accepted attempt, keeps the history row and pg_notify's it; a bare `ws` server speaks just enough
// graphql-transport-ws (ack, subscribe → current status, then one `next` per NOTIFY heard on LISTEN).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { connect } from "node:net";
import postgres from "postgres";
import { WebSocketServer } from "ws";

// Sockets with Nagle's algorithm off, as ours has them (src/db/database.ts, noDelaySockets).
const noDelay = (options) => {
  const socket = connect(options.port[0], options.host[0]);
  socket.setNoDelay(true);
  return socket;
};
const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {}, socket: noDelay });
const secret = process.env.BOND_WEBHOOK_SECRET;
const ACCEPTED = ["SUBMITTED", "UNDER_REVIEW", "DOCUMENT_REQUIRED", "REENTER_INFORMATION", "PASSED", "FAILED", "TIMEOUT", "ERROR"];
const STATUS = { "kyc.verification.under_review": "UNDER_REVIEW", "kyc.verification.document_required": "DOCUMENT_REQUIRED" };

function verified(header, raw) {
  const match = /t=(\d+),v1=([0-9a-f]+)/.exec(header ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${raw}`).digest();
  const given = Buffer.from(match[2], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", async () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    if (!verified(request.headers["bond-signature"], raw)) {
      response.writeHead(401).end();
      return;
    }
    const event = JSON.parse(raw);
    const status = STATUS[event.event];
    const signatureHash = createHash("sha256").update(request.headers["bond-signature"]).digest("hex");
    // The same statements ours sends (prepared, as postgres.js does by default): the lock, receipt and state in one,
    // then the writes in one, sent together with the pg_notify.
    const identity = `${event.customer_id}|${event.event}|${event.occurred_at}`;
    try {
      await ingest(event, status, identity, signatureHash);
    } catch (error) {
      // Not stored (e.g. Postgres refused a connection): 500, so Bond would retry, and the server lives on.
      console.error(`webhook not stored: ${error.message}`);
      response.writeHead(500).end();
      return;
    }
    const json = JSON.stringify({ received: true });
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json);
  });
});

async function ingest(event, status, identity, signatureHash) {
  await sql.begin(async (tx) => {
    const [customer] =
      await tx`with customer as (select id, kyc_status, kyc_round, kyc_version from customers where id = ${event.customer_id} for update),
      receipt as (insert into webhook_receipts (signature_hash, received_at) select ${signatureHash}::text || ':round:' || kyc_round, now() from customer on conflict do nothing returning 1)
      select customer.*, exists (select 1 from receipt) as first_delivery, exists (select 1 from kyc_events where identity = ${identity}) as event_stored from customer`;
    if (!customer.first_delivery || customer.event_stored) return;
    const version = customer.kyc_version + 1;
    await Promise.all([
      tx`with event as (insert into kyc_events (identity, customer_id, event, occurred_at, payload, outcome, status_after)
          values (${identity}, ${customer.id}, ${event.event}, ${event.occurred_at}, ${event}, 'changed', ${status}) on conflict (identity) do nothing returning 1),
        attempt as (update kyc_attempts set status = ${status}, updated_at = now() where exists (select 1 from event) and id in (
          select id from kyc_attempts where customer_id = ${customer.id} and round = ${customer.kyc_round} and status in ${tx(ACCEPTED)} order by sent_at desc nulls last limit 1) returning program_id),
        updated as (update customers set kyc_status = ${status}, kyc_status_at = ${event.occurred_at}, kyc_status_event = ${event.event}, kyc_version = kyc_version + 1, updated_at = now()
          where id = ${customer.id} and exists (select 1 from event) returning kyc_version),
        history as (insert into kyc_status_changes (customer_id, version, status, previous_status, occurred_at, event)
          select ${customer.id}, kyc_version, ${status}, ${customer.kyc_status}, ${event.occurred_at}, ${event.event} from updated)
        select 1 / (select count(*)::int from event) as guard`,
      tx`select pg_notify('baseline', ${JSON.stringify({ c: customer.id, s: status, v: version, t: event.occurred_at })})`,
    ]);
  });
}
const subscribers = new Map(); // customerId → Set of [socket, operation id]
const send = (socket, id, change) =>
  socket.send(
    JSON.stringify({
      id,
      type: "next",
      payload: { data: { kycStatusChanged: { status: change.s, version: change.v, occurredAt: change.t } } },
    }),
  );
await sql.listen("baseline", (payload) => {
  const change = JSON.parse(payload);
  for (const [socket, id] of subscribers.get(change.c) ?? []) send(socket, id, change);
});
const websockets = new WebSocketServer({ server, path: "/graphql" });
websockets.on("connection", (socket) => {
  const mine = [];
  socket.on("message", async (data) => {
    const message = JSON.parse(data);
    if (message.type === "connection_init") socket.send(JSON.stringify({ type: "connection_ack" }));
    if (message.type !== "subscribe") return;
    const customerId = message.payload.variables.customerId;
    const entry = [socket, message.id];
    if (!subscribers.has(customerId)) subscribers.set(customerId, new Set());
    subscribers.get(customerId).add(entry);
    mine.push([customerId, entry]);
    const [row] =
      await sql`select kyc_status, kyc_version, coalesce(kyc_status_at, created_at) as at from customers where id = ${customerId}`;
    send(socket, message.id, { s: row.kyc_status, v: row.kyc_version, t: row.at.toISOString() });
  });
  socket.on("close", () => mine.forEach(([customerId, entry]) => subscribers.get(customerId)?.delete(entry)));
});

server.listen(0, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on(
  "SIGTERM",
  () =>
    websockets.clients.forEach((socket) => socket.terminate()) || server.close(() => sql.end({ timeout: 1 }).then(() => process.exit(0))),
);
