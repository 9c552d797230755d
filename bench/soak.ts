/**
 * Reliability soak (loopback only, bounded): N customers submit KYC at once while the embedded Bond
 * sandbox fails 30% of KYC submissions transiently (503, 429 with Retry-After, dropped connections,
 * and "accepted but the answer was lost") and delivers every webhook three times, out of order.
 * Then it checks: one accepted Bond submission per Idempotency-Key and per customer, the final status
 * each SSN selects, and that every subscriber saw every transition exactly once (versions 1..n).
 *
 *   node --import ./scripts/swc-register.mjs bench/soak.ts [--customers 200] [--smoke]
 *   (npm run bench:soak -- --smoke)   DATABASE_URL set: runs on a throwaway database on that server.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const customersArg = args.indexOf("--customers");
const N = customersArg >= 0 ? Number(args[customersArg + 1]) : smoke ? 12 : 200;
const DEADLINE_MS = smoke ? 60_000 : 300_000;
const FAULT_RATE = 0.3;
const DUPLICATES = 2;
const REORDER_WINDOW_MS = 100;
const CONCURRENCY = 50;

const OUTCOMES = [
  ["123-45-6789", "PASSED"],
  ["000-00-0000", "UNDER_REVIEW"],
  ["111-11-1111", "DOCUMENT_REQUIRED"],
  ["888-88-8888", "TIMEOUT"],
] as const;

async function throwawayDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { drop: async () => {} };
  const name = `kyc_soak_${randomBytes(5).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

async function main() {
  const database = await throwawayDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "silent",
    AUTH_DEV_MODE: "true",
    SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "0",
    IP_RATE_LIMIT_PER_MINUTE: "0",
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(N + 10),
    SANDBOX_WEBHOOK_DELAY_MS: "20",
    BOND_TIMEOUT_MS: "2000",
    BOND_RETRY_BUDGET_MS: "8000",
    BOND_RETRY_BASE_DELAY_MS: "50",
    BOND_RETRY_MAX_DELAY_MS: "500",
    // Everything (client, server, sandbox) shares one process here: at N ≥ 1000 a transaction can wait longer than
    // the 5 s production bound for one of the 10 pool connections; this soak checks convergence, not shedding.
    DATABASE_QUERY_TIMEOUT_MS: process.env.DATABASE_QUERY_TIMEOUT_MS ?? "30000",
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  config.dataDir = null;
  const app = await createApp(config);
  const sandbox = app.bondSandbox!;
  const token = app.devServiceToken!;
  const started = Date.now();
  try {
    async function graphql(query: string, variables: Record<string, unknown>) {
      const response = await fetch(app.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
    }

    const customerIds: string[] = [];
    for (let index = 0; index < N; index++) {
      const created = await graphql("mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }", {
        input: {
          firstName: "Soak",
          lastName: "Tester",
          dob: "1990-01-01",
          addresses: [
            { addressType: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zipCode: "78701", country: "US", isPrimary: true },
          ],
        },
      });
      customerIds.push(created.data.createCustomer.id);
    }

    // One WebSocket, one subscription per customer.
    const ws = createClient({
      url: app.websocketUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const seen = new Map<string, Array<{ status: string; version: number }>>(customerIds.map((id) => [id, []]));
    const subscribed = customerIds.map(
      (customerId) =>
        new Promise<() => void>((resolve) => {
          let first = true;
          const unsubscribe = ws.subscribe(
            { query: "subscription($id: ID!) { kycStatusChanged(customerId: $id) { status version } }", variables: { id: customerId } },
            {
              next: (message) => {
                const change = (message.data as any)?.kycStatusChanged;
                if (!change) return;
                if (first) {
                  first = false;
                  resolve(unsubscribe);
                  return; // the current status, not a transition
                }
                seen.get(customerId)!.push(change);
              },
              error: (error) => {
                if ((error as { code?: number }).code !== 1001)
                  console.error("subscription error", error instanceof Error ? error.message : error);
              },
              complete: () => {},
            },
          );
        }),
    );
    const unsubscribes = await Promise.all(subscribed);

    // Faults on: 30% of KYC submissions fail transiently, split evenly over four kinds (conditional rates).
    const kinds = [
      { kind: "status", status: 503 },
      { kind: "status", status: 429, retryAfter: "0" },
      { kind: "reset" },
      { kind: "accept-then-fail", status: 502 },
    ] as const;
    let remaining = 1;
    for (const fault of kinds) {
      const share = FAULT_RATE / kinds.length;
      sandbox.faults.inject({ method: "POST", path: /\/verification-kyc$/, fault, rate: share / remaining });
      remaining -= share;
    }
    sandbox.faults.setWebhookFaults({ duplicates: DUPLICATES, reorderWindowMs: REORDER_WINDOW_MS });

    let clientRetries = 0;
    let serviceUnavailable = 0;
    const submitMutation = "mutation($input: SubmitKycInput!) { submitKyc(input: $input) { id status } }";
    async function submit(customerId: string, index: number) {
      const input = {
        customerId,
        programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
        ssn: OUTCOMES[index % OUTCOMES.length][0],
        phone: "555-555-5555",
        phoneCountryCode: "1",
        email: "soak@example.com",
        ip: "127.1.1.1",
        idempotencyKey: `soak-${customerId}`,
      };
      // A well-behaved client: on UPSTREAM_UNAVAILABLE, SERVICE_UNAVAILABLE (a database wait past its bound under
      // load), a key still in flight, or no answer at all, it retries with the same key.
      for (let attempt = 1; ; attempt++) {
        let code: string | undefined;
        try {
          const result = await graphql(submitMutation, { input });
          if (result.data?.submitKyc) return;
          code = result.errors?.[0]?.extensions?.code;
          if (code === "SERVICE_UNAVAILABLE") serviceUnavailable++;
          if (code !== "UPSTREAM_UNAVAILABLE" && code !== "IDEMPOTENCY_KEY_IN_FLIGHT" && code !== "SERVICE_UNAVAILABLE")
            throw new Error(`submitKyc failed for ${customerId}: ${JSON.stringify(result.errors)}`);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // fetch's network failure
          code = "NETWORK";
        }
        if (attempt >= 10) throw new Error(`submitKyc for ${customerId} still failing (${code}) after ${attempt} tries`);
        clientRetries++;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    // All customers at once, at most CONCURRENCY requests in flight (client, server and Bond share one process).
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, N) }, async () => {
        while (next < N) {
          const index = next++;
          await submit(customerIds[index], index);
        }
      }),
    );

    // Wait for every outcome (webhooks are retried, duplicated and reordered on the way).
    const expected = new Map(customerIds.map((id, index) => [id, OUTCOMES[index % OUTCOMES.length][1] as string]));
    const finalStatus = async (id: string) =>
      (await graphql("query($id: ID!) { customer(id: $id) { kycStatus } }", { id })).data?.customer?.kycStatus as string;
    for (;;) {
      const statuses = await Promise.all(customerIds.map(finalStatus));
      if (statuses.every((status, index) => status === expected.get(customerIds[index]))) break;
      if (Date.now() - started > DEADLINE_MS)
        throw new Error(
          `not converged within ${DEADLINE_MS} ms: ${statuses.filter((status, index) => status !== expected.get(customerIds[index])).length} customers off`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await sandbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 300)); // let any wrongly doubled publish arrive
    sandbox.faults.clear();

    // Checks.
    const problems: string[] = [];
    const kycPosts = sandbox.requests.filter((request) => request.method === "POST" && request.path.endsWith("/verification-kyc"));
    const acceptedByKey = new Map<string, number>();
    for (const post of kycPosts)
      if (post.status === 201 && post.idempotencyKey)
        acceptedByKey.set(post.idempotencyKey, (acceptedByKey.get(post.idempotencyKey) ?? 0) + 1);
    for (const [key, count] of acceptedByKey) if (count !== 1) problems.push(`key ${key} accepted ${count} times`);
    for (const id of customerIds)
      if (sandbox.kycSubmissionCount(id) !== 1) problems.push(`customer ${id}: ${sandbox.kycSubmissionCount(id)} accepted submissions`);
    if (acceptedByKey.size !== N) problems.push(`${acceptedByKey.size} keys accepted for ${N} customers`);
    const sql = app.database.db;
    const { customers } = await import("../src/db/schema.js");
    const rows = await sql.select({ id: customers.id, version: customers.kycVersion, status: customers.kycStatus }).from(customers);
    let transitionsChecked = 0;
    for (const row of rows) {
      const changes = seen.get(row.id) ?? [];
      const versions = changes.map((change) => change.version);
      if (versions.join() !== Array.from({ length: row.version }, (_, index) => index + 1).join())
        problems.push(`customer ${row.id}: saw versions [${versions.join(",")}] for ${row.version} transitions`);
      if (changes.at(-1)?.status !== row.status)
        problems.push(`customer ${row.id}: last change seen ${changes.at(-1)?.status}, stored ${row.status}`);
      transitionsChecked += row.version;
    }
    const faulted = kycPosts.filter((post) => post.fault);
    const deliveries = sandbox.deliveries;
    const summary = {
      customers: N,
      concurrency: Math.min(CONCURRENCY, N),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      faultRate: FAULT_RATE,
      kycPosts: kycPosts.length,
      faultedKycPosts: faulted.length,
      faultsByKind: Object.fromEntries(
        ["status", "reset", "accept-then-fail"].map((kind) => [kind, faulted.filter((post) => post.fault === kind).length]),
      ),
      conflictsReconciled: kycPosts.filter((post) => post.status === 409).length,
      clientRetries,
      serviceUnavailable,
      idempotencyKeysChecked: acceptedByKey.size,
      webhookDeliveries: deliveries.length,
      duplicateDeliveries: deliveries.filter((delivery) => delivery.duplicate).length,
      transitionsChecked,
      subscriberMessages: [...seen.values()].reduce((total, changes) => total + changes.length, 0),
      problems: problems.length,
    };
    console.log(JSON.stringify(summary, null, 2));
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    await ws.dispose();
    if (problems.length > 0) {
      console.error(problems.slice(0, 20).join("\n"));
      process.exitCode = 1;
    }
  } finally {
    await app.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
