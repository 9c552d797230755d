import { request } from "node:http";
import { randomBytes } from "node:crypto";
import { print } from "graphql";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { KycStatusChangedDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { at, eventually } from "../support/fixtures.js";
import {
  buildServer,
  createCustomerOn,
  startServerProcess,
  statusesOf,
  subscribeOn,
  type ServerProcess,
} from "../support/server-process.js";
import { startTcpProxy } from "../support/tcp-proxy.mjs";
import { collect } from "../support/test-app.js";
import { createTestDatabase } from "../support/test-database.js";

// These run the built server as real child processes (as production does), so they build it first.
beforeAll(() => buildServer(), 120_000);

describe.skipIf(!process.env.DATABASE_URL)("two API instances on one real Postgres (pg_notify / LISTEN)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: postgres.Sql;
  let a: ServerProcess;
  let b: ServerProcess;
  let shared: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = postgres(database.url!, { max: 1, onnotice: () => {} });
    shared = {
      DATABASE_URL: database.url!,
      BOND_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
      PII_KEY: randomBytes(32).toString("base64"),
    };
    a = await startServerProcess(shared);
    b = await startServerProcess(shared);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin?.end();
    await database?.drop();
  });

  const listenBackend = async (server: ServerProcess) =>
    (await admin`select pid from pg_stat_activity where application_name = ${`kyc-graphql listen pid=${server.pid}`}`).map(
      (row) => row.pid as number,
    );

  it("delivers a webhook posted to instance A to a subscriber on instance B", async () => {
    const customerId = await createCustomerOn(a);
    const onB = subscribeOn(b, customerId);
    await onB.waitFor(1);
    const response = await a.postWebhook({ customer_id: customerId, kyc_status: "submitted" });
    expect(response).toMatchObject({ status: 200, body: { result: "changed", kycStatus: "SUBMITTED" } });
    await onB.waitFor(2);
    expect(statusesOf(onB)).toEqual([
      ["NOT_STARTED", 0],
      ["SUBMITTED", 1],
    ]);
    await onB.stop();
  });

  it("re-establishes a killed LISTEN connection and keeps delivering, without duplicates", async () => {
    const customerId = await createCustomerOn(b);
    const onA = subscribeOn(a, customerId);
    await onA.waitFor(1);
    const [before] = await listenBackend(a);
    expect(before).toBeTypeOf("number");

    const killed = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity where pid = ${before}`;
    expect(killed[0].ok).toBe(true);
    // Posted to B at once: A hears it live if it is listening again by then, or through its re-sync if not.
    expect((await b.postWebhook({ event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(1) })).status).toBe(200);
    await onA.waitFor(2);

    const after = await eventually(async () => {
      const pids = await listenBackend(a);
      return pids.length === 1 && pids[0] !== before ? pids[0] : undefined;
    });
    expect(after).not.toBe(before);
    expect((await b.postWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(2) })).status).toBe(200);
    await onA.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(statusesOf(onA)).toEqual([
      ["NOT_STARTED", 0],
      ["UNDER_REVIEW", 1],
      ["PASSED", 2],
    ]);
    await onA.stop();
  });

  it("fills the gap from the history when changes commit while an instance cannot hear them: every change, in order", async () => {
    // C reaches Postgres through a proxy the test cuts: three changes commit (through B) while C hears nothing.
    // When the proxy is back, C's LISTEN returns and its re-sync pushes only the latest state; each subscriber
    // fills the versions in between from kyc_status_changes.
    const target = new URL(database.url!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const routed = new URL(database.url!);
    routed.port = String(proxy.port);
    const c = await startServerProcess({
      ...shared,
      DATABASE_URL: routed.toString(),
      LISTEN_RETRY_DELAY_MS: "200",
      LISTEN_RETRY_MAX_DELAY_MS: "200",
    });
    try {
      const customerId = await createCustomerOn(a);
      const onC = subscribeOn(c, customerId);
      onC.done.catch(() => undefined); // ended by C's shutdown if an assertion fails first
      await onC.waitFor(1);
      proxy.cut();
      for (const body of [
        { event: "kyc.verification.document_required", customer_id: customerId, occurred_at: at(1), documents: ["government_id"] },
        { event: "kyc.verification.under_review", customer_id: customerId, occurred_at: at(2) },
        { event: "kyc.verification.failure", customer_id: customerId, occurred_at: at(3) },
      ]) {
        expect((await b.postWebhook(body)).status).toBe(200);
      }
      proxy.restore();
      await onC.waitFor(4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statusesOf(onC)).toEqual([
        ["NOT_STARTED", 0],
        ["DOCUMENT_REQUIRED", 1],
        ["UNDER_REVIEW", 2],
        ["FAILED", 3],
      ]);
      await onC.stop();
    } finally {
      await c.stop();
      await proxy.close();
    }
  });
});

describe("graceful shutdown of the real process on SIGTERM", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("finishes an in-flight webhook, closes subscriptions with 1001 and exits 0", async () => {
    const server = await startServerProcess(database.url ? { DATABASE_URL: database.url } : {});
    const customerId = await createCustomerOn(server);
    const client = server.websocketClient();
    const closed = new Promise<number>((done) => client.on("closed", (event) => done((event as { code: number }).code)));
    const messages = collect<KycStatusChangedSubscription>(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    // The subscription ends with the close event (graphql-ws rejects the iteration with it).
    const ended = messages.done.then(
      () => null,
      (event: { code?: number }) => event.code,
    );
    await messages.waitFor(1);

    // A webhook whose body is still arriving when SIGTERM comes: the server must finish and store it.
    const raw = JSON.stringify({ event: "kyc.verification.success", customer_id: customerId, occurred_at: at(3) });
    const webhook = new Promise<{ status: number; body: string }>((done, fail) => {
      const outgoing = request(server.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(raw),
          "Bond-Signature": bondSignatureHeader(server.webhookSecret, raw, Math.floor(Date.now() / 1000)),
        },
      });
      outgoing.on("response", (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => done({ status: response.statusCode!, body }));
      });
      outgoing.on("error", fail);
      outgoing.write(raw.slice(0, 10));
      setTimeout(() => outgoing.end(raw.slice(10)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const stopping = server.stop("SIGTERM");
    expect(await closed).toBe(1001);
    expect(await ended).toBe(1001);
    const response = await webhook;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ result: "changed", kycStatus: "PASSED" });
    const { code, ms } = await stopping;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(server.output()).toContain("shutting down");
    if (database.url) {
      const check = postgres(database.url, { max: 1, onnotice: () => {} });
      const [row] = await check`select kyc_status from customers where id = ${customerId}`;
      await check.end();
      expect(row.kyc_status).toBe("PASSED");
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)(
  "three instances starting at once on an empty Postgres database (migrations under an advisory lock)",
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const servers: ServerProcess[] = [];
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await database?.drop();
    });

    it("all three start, the migrations are applied once, and each serves", async () => {
      const shared = {
        DATABASE_URL: database.url!,
        BOND_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
        PII_KEY: randomBytes(32).toString("base64"),
      };
      const started = await Promise.allSettled([startServerProcess(shared), startServerProcess(shared), startServerProcess(shared)]);
      for (const result of started) if (result.status === "fulfilled") servers.push(result.value);
      expect(started.map((result) => (result.status === "rejected" ? String(result.reason).slice(0, 400) : "started"))).toEqual([
        "started",
        "started",
        "started",
      ]);
      const admin = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        const applied = await admin`select hash, count(*)::int as times from drizzle.__drizzle_migrations group by hash`;
        expect(applied.length).toBeGreaterThan(0);
        expect(applied.every((row) => row.times === 1)).toBe(true);
      } finally {
        await admin.end();
      }
      for (const server of servers) expect(await createCustomerOn(server)).toBeTruthy();
    }, 120_000);
  },
);
