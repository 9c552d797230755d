// The fan-out benchmark's second baseline: what a user would write with stock libraries and no tuning.
// graphql-js schema (buildSchema), graphql-ws's `useServer` over `ws` with its defaults (every subscriber's
// event executed and serialised by graphql-ws), an in-memory pubsub (one async iterator per subscriber),
// the same hand-written webhook transaction as bench/baseline-realtime-server.mjs, published in memory
// after commit. No authentication on the socket (ours verifies a JWT at connection_init).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { buildSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import postgres from "postgres";
import { WebSocketServer } from "ws";

const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} });
const secret = process.env.BOND_WEBHOOK_SECRET;
const STATUS = { "kyc.verification.under_review": "UNDER_REVIEW", "kyc.verification.document_required": "DOCUMENT_REQUIRED" };

function verified(header, raw) {
  const match = /t=(\d+),v1=([0-9a-f]+)/.exec(header ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${raw}`).digest();
  const given = Buffer.from(match[2], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// The usual in-memory pubsub: a topic → listeners map, and an async iterator per subscriber with a queue.
const topics = new Map();
function publish(topic, value) {
  for (const listener of topics.get(topic) ?? []) listener(value);
}
function asyncIterator(topic) {
  const queue = [];
  let waiting = null;
  let done = false;
  const listener = (value) => (waiting ? (waiting({ value, done: false }), (waiting = null)) : queue.push(value));
  if (!topics.has(topic)) topics.set(topic, new Set());
  topics.get(topic).add(listener);
  const stop = () => {
    done = true;
    topics.get(topic)?.delete(listener);
    waiting?.({ value: undefined, done: true });
  };
  return {
    next: () =>
      queue.length
        ? Promise.resolve({ value: queue.shift(), done: false })
        : done
          ? Promise.resolve({ value: undefined, done: true })
          : new Promise((resolve) => (waiting = resolve)),
    return: () => (stop(), Promise.resolve({ value: undefined, done: true })),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const schema = buildSchema(`
  type Query { ok: Boolean }
  type KycStatusEvent { customerId: ID! status: String! previousStatus: String occurredAt: String! event: String version: Int! }
  type Subscription { kycStatusChanged(customerId: ID!): KycStatusEvent! }
`);
schema.getSubscriptionType().getFields().kycStatusChanged.subscribe = async function* (_root, { customerId }) {
  const changes = asyncIterator(customerId);
  try {
    const [row] =
      await sql`select kyc_status, kyc_version, coalesce(kyc_status_at, created_at) as at from customers where id = ${customerId}`;
    yield {
      kycStatusChanged: {
        customerId,
        status: row.kyc_status,
        previousStatus: null,
        occurredAt: row.at.toISOString(),
        event: null,
        version: row.kyc_version,
      },
    };
    for await (const change of changes) yield { kycStatusChanged: change };
  } finally {
    await changes.return();
  }
};

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
    const change = await sql.begin(async (tx) => {
      const [customer] = await tx`select id, kyc_status, kyc_version from customers where id = ${event.customer_id} for update`;
      const inserted = await tx`insert into kyc_events (identity, customer_id, event, occurred_at, payload, outcome, status_after)
        values (${`${event.customer_id}|${event.event}|${event.occurred_at}`}, ${event.customer_id}, ${event.event}, ${event.occurred_at}, ${event}, 'changed', ${status})
        on conflict (identity) do nothing returning id`;
      if (inserted.length === 0) return null;
      await tx`update customers set kyc_status = ${status}, kyc_status_at = ${event.occurred_at}, kyc_version = kyc_version + 1, updated_at = now() where id = ${customer.id}`;
      return {
        customerId: customer.id,
        status,
        previousStatus: customer.kyc_status,
        occurredAt: event.occurred_at,
        event: event.event,
        version: customer.kyc_version + 1,
      };
    });
    if (change) publish(change.customerId, change);
    const json = JSON.stringify({ received: true });
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json);
  });
});
const websockets = new WebSocketServer({ server, path: "/graphql" });
useServer({ schema }, websockets);

server.listen(0, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on(
  "SIGTERM",
  () =>
    websockets.clients.forEach((socket) => socket.terminate()) || server.close(() => sql.end({ timeout: 1 }).then(() => process.exit(0))),
);
