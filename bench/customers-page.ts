import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { openDatabase } from "../src/db/database.js";
import { KycRepository } from "../src/db/kyc-repository.js";
import { encodeCustomerCursor, validateCustomerListQuery, type CustomerListInput } from "../src/domain/customer-list.js";

/**
 * The operators' customer list on real Postgres with many customers: how long a page takes at the start,
 * deep into the list (keyset, so it should not grow), and with each filter; and the plan Postgres picks.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:customers  [-- <customers>]
 *
 * Creates a throwaway database, fills it, measures, drops it.
 */
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error("Set DATABASE_URL to a Postgres server (a throwaway database is created on it).");
const total = Number(process.argv[2] ?? 100_000);
const runs = 50;
const PROGRAM = "b50063df-0b39-43f7-9458-25b08a75d42a";

const name = `kyc_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(baseUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });

try {
  const statuses = ["PASSED", "FAILED", "DOCUMENT_REQUIRED", "UNDER_REVIEW", "NOT_STARTED"];
  console.log(`filling ${total} customers (one attempt each, 1 in 10 in a second program)…`);
  await raw.unsafe(`
    insert into customers (id, first_name, last_name, dob, kyc_status, created_at, updated_at)
    select gen_random_uuid(), 'Jane', 'Doe', '1990-01-01',
           (array['${statuses.join("','")}'])[1 + (n % ${statuses.length})],
           now() - (n || ' seconds')::interval, now()
    from generate_series(1, ${total}) as n`);
  await raw.unsafe(`
    insert into kyc_attempts (id, customer_id, program_id, status, ssn_last_four)
    select gen_random_uuid(), id, case when random() < 0.1 then '72585109-8222-4221-b15b-48e87ffed790'::uuid else '${PROGRAM}'::uuid end, 'SUBMITTED', '0000'
    from customers`);
  await raw.unsafe("analyze");

  const repository = new KycRepository(database.db);
  const deepCursor = await (async () => {
    const rows = await repository.customers.listCustomers(validateCustomerListQuery({ first: 1 }));
    // Walk to the middle of the list with the API's own cursors, 100 at a time, once.
    let after: string | null = encodeCustomerCursor({ createdAt: rows[0].cursorCreatedAt, id: rows[0].id });
    for (let page = 0; page < Math.floor(total / 2 / 100); page++) {
      const next = await repository.customers.listCustomers(validateCustomerListQuery({ first: 100, after }));
      const last = next[99] ?? next.at(-1)!;
      after = encodeCustomerCursor({ createdAt: last.cursorCreatedAt, id: last.id });
    }
    return after;
  })();

  const cases: Array<[string, CustomerListInput]> = [
    ["first page (first: 20)", { first: 20 }],
    ["first page (first: 100)", { first: 100 }],
    [`page after ${Math.floor(total / 2)} customers (first: 20)`, { first: 20, after: deepCursor }],
    ["kycStatus: FAILED", { first: 20, filter: { kycStatus: "FAILED" } }],
    ["kycStatus: FAILED, deep", { first: 20, filter: { kycStatus: "FAILED" }, after: deepCursor }],
    ["programId (10 % of customers)", { first: 20, filter: { programId: "72585109-8222-4221-b15b-48e87ffed790" } }],
    ["createdAfter (last hour)", { first: 20, filter: { createdAfter: new Date(Date.now() - 3600_000) } }],
  ];
  console.log(`\n| query | median ms | p95 ms | (${runs} runs, ${total} customers, ${database.kind})`);
  console.log("|---|---|---|");
  for (const [label, input] of cases) {
    const query = validateCustomerListQuery(input);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await repository.customers.listCustomers(query);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${label} | ${times[Math.floor(runs / 2)].toFixed(2)} | ${times[Math.floor(runs * 0.95)].toFixed(2)} |`);
  }

  const plan = await raw.unsafe(`explain select * from customers where kyc_status = 'FAILED' order by created_at desc, id desc limit 21`);
  console.log(`\nplan (kycStatus filter): ${plan.map((row) => Object.values(row)[0]).join(" / ")}`);
} finally {
  await raw.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
