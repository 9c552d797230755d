import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { at, createCustomer } from "../support/fixtures.js";

/**
 * A TCP proxy between the app and Postgres that counts round trips: it holds each answer of the server back
 * for 10 ms (a slow network), and a round trip is the client sending after it got an answer (or
 * for the first time) on one connection. Statements sent without waiting for the previous one's answer
 * (pipelined) fall within the same round trip, however the driver splits its writes. The bus's own connections
 * (the outbox relay, which announces a change after its commit, and LISTEN; named in their startup message) are
 * not the webhook's transaction and are left out.
 */
async function startCountingProxy(
  target: { host: string; port: number },
  answerDelayMs = 10,
): Promise<{ port: number; turns(): number; close(): Promise<void> }> {
  let turns = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    let heard = true;
    let counted: boolean | null = null;
    client.on("data", (chunk) => {
      counted ??= !/kyc-graphql (relay|listen)/.test(chunk.toString("latin1"));
      if (heard && counted) turns += 1;
      heard = false;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      setTimeout(() => {
        heard = true;
        if (!client.destroyed) client.write(chunk);
      }, answerDelayMs);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    turns: () => turns,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Round trips exist on a real Postgres only (PGlite runs in the process).
describe.skipIf(!process.env.DATABASE_URL)("webhook ingest round trips (Postgres)", () => {
  let app: TestApp;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  beforeAll(async () => {
    const target = new URL(process.env.DATABASE_URL!);
    proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
  }, 10_000);
  beforeAll(async () => {
    app = await startTestApp(
      {},
      {
        routeDatabaseUrl: (url) => {
          const parsed = new URL(url);
          parsed.host = `127.0.0.1:${proxy.port}`;
          return parsed.toString();
        },
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
  });

  // BEGIN sent with the lock, receipt and state statement; the writes, the announcement (an outbox row) and COMMIT
  // sent together: 2. Before: 16 (nine statements, each unprepared one described first, then run), then 4
  // (postgres.js's `begin` waited for BEGIN's answer, and COMMIT went after the writes' answer). The
  // document_required webhooks here make the writes statement longer than 1 KiB: with Nagle's algorithm on, what
  // is sent behind it would wait for its answer (3).
  it("applies a status-changing webhook in 2 round trips to Postgres", async () => {
    const customerId = await createCustomer(app);
    const events = ["kyc.verification.under_review", "kyc.verification.document_required"];
    const post = (second: number) =>
      app.postWebhook({
        event: events[second % 2],
        customer_id: customerId,
        occurred_at: at(second),
        ...(second % 2 === 1 && { documents: ["government_id"] }),
      });
    // Warm-up: each pooled connection prepares a statement the first time it runs it (one extra round trip).
    for (let second = 1; second <= 10; second += 1) expect((await post(second)).body).toMatchObject({ result: "changed" });
    // Each webhook's own count; the median, so a moment the loaded machine froze this process (and an answer came
    // back before a pipelined write went out) does not count, while a webhook's statements growing does.
    const counts: number[] = [];
    for (let second = 11; second <= 30; second += 1) {
      const before = proxy.turns();
      expect((await post(second)).body).toMatchObject({ result: "changed" });
      counts.push(proxy.turns() - before);
    }
    const median = [...counts].sort((a, b) => a - b)[Math.floor(counts.length / 2)];
    console.log(`round trips per status-changing webhook: median ${median} (${counts.join(" ")})`);
    expect(median).toBeGreaterThan(0);
    expect(median).toBeLessThanOrEqual(2);
  });
});
