import { randomBytes } from "node:crypto";
import { print } from "graphql";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandaloneBondSandbox, type StandaloneBondSandbox } from "../../src/bond-sandbox/standalone.js";
import {
  CreateCustomerDocument,
  KycStatusChangedDocument,
  KycStatusResumedDocument,
  SubmitKycDocument,
  type KycStatusChangedSubscription,
} from "../gql/graphql.js";
import { eventually, kycInput, newCustomerInput } from "../support/fixtures.js";
import { buildServer, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { redisUnavailable, TEST_REDIS_URL } from "../support/redis.js";
import { createTestDatabase } from "../support/test-database.js";

/**
 * Issue 14, "many instances behave as one": three built servers on one Postgres behind a round-robin "load
 * balancer" (this test), one Bond (a standalone sandbox in this process, so every instance sees the same
 * customers, and its webhooks go round-robin to the live instances, retried as Bond retries them). Subscribers
 * on all three; one instance is SIGKILLed mid-run and replaced; its subscribers resume elsewhere with the last
 * version they saw. Every subscriber must see every transition of its customer once, in order, with no gap.
 *
 * The event transport is a parameter: each entry's env is given to the three processes.
 */
const redisWhyNot = process.env.DATABASE_URL ? await redisUnavailable() : null;
if (redisWhyNot) console.warn(redisWhyNot);
const transports: { name: string; env: Record<string, string>; skip: string | null }[] = [
  { name: "Postgres (outbox + pg_notify/LISTEN)", env: {}, skip: null },
  { name: "Redis (EVENT_BUS_URL)", env: { EVENT_BUS_URL: TEST_REDIS_URL }, skip: redisWhyNot },
];

const CUSTOMERS = 30;
const IDENTITY = "fleet-identity";
const AUTHORIZATION = "fleet-authorization";
/** Acknowledged requests after which an instance is killed: while most submitKyc calls are in flight. */
const KILL_AFTER_ACKS = 12;
/** Bond's sandbox answers this test SSN with `submitted`, then `kyc.verification.under_review`. */
const UNDER_REVIEW_SSN = "000-00-0000";

type Status = KycStatusChangedSubscription["kycStatusChanged"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// These run the built server as real child processes (as production does), so they build it first.
beforeAll(() => buildServer(), 120_000);

/** The instances, and which of them the "load balancer" sends to. */
class Fleet {
  readonly servers: ServerProcess[] = [];
  readonly alive: boolean[] = [];
  private turn = 0;
  /** The next live instance in round-robin order (undefined while none is up). */
  next(): ServerProcess | undefined {
    for (let tries = 0; tries < this.servers.length; tries += 1) {
      const index = this.turn++ % this.servers.length;
      if (this.alive[index]) return this.servers[index];
    }
    return undefined;
  }
  /** The live instance at `index`, or the next live one after it. */
  liveFrom(index: number): ServerProcess | undefined {
    for (let step = 0; step < this.servers.length; step += 1) {
      const at = (index + step) % this.servers.length;
      if (this.alive[at]) return this.servers[at];
    }
    return undefined;
  }
}

/**
 * A graphql-ws subscriber that, when its socket drops, reconnects to a live instance (the next one after where it
 * was) with `afterVersion` = the last version it saw, as a client of `kycStatusChanged` is meant to.
 */
class Subscriber {
  readonly seen: Status[] = [];
  readonly instances: string[] = [];
  readonly failures: string[] = [];
  /** SERVICE_UNAVAILABLE answers ("retry shortly": a loaded database), after which it resubscribed. */
  unavailable = 0;
  private stopped = false;
  private current: AsyncIterableIterator<unknown> | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly fleet: Fleet,
    readonly customerId: string,
    private instance: number,
    /** Undefined: a plain subscription (the current status first). A number: resume after it. */
    readonly startAfter?: number,
  ) {
    this.done = this.run();
  }

  get lastVersion(): number | undefined {
    return this.seen.at(-1)?.version ?? this.startAfter;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const server = this.fleet.liveFrom(this.instance);
      if (!server) {
        await sleep(50);
        continue;
      }
      this.instance = this.fleet.servers.indexOf(server);
      const client = server.websocketClient();
      const after = this.lastVersion;
      const iterator = (
        after === undefined
          ? client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId: this.customerId } })
          : client.iterate({ query: print(KycStatusResumedDocument), variables: { customerId: this.customerId, afterVersion: after } })
      ) as AsyncIterableIterator<{ data?: KycStatusChangedSubscription; errors?: unknown }>;
      this.current = iterator;
      this.instances.push(server.url);
      try {
        for await (const message of iterator) {
          if (!message.data) {
            // The instance could not read the database in time: as a careful client does, resubscribe shortly.
            if (JSON.stringify(message.errors).includes('"SERVICE_UNAVAILABLE"')) {
              this.unavailable += 1;
              await sleep(200);
              break;
            }
            throw new Error(`a message without data: ${JSON.stringify(message)}`);
          }
          this.seen.push(message.data.kycStatusChanged);
        }
      } catch (error) {
        // An array is GraphQL errors (the subscription was refused): a bug, not a dropped socket.
        if (Array.isArray(error) || error instanceof Error) {
          this.failures.push(Array.isArray(error) ? JSON.stringify(error) : error.message);
          return;
        }
        // A close or error event: the instance went away (or refused the connection while dying). Resume elsewhere.
      } finally {
        void client.dispose();
      }
      if (this.stopped) return;
      this.instance += 1;
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.return?.();
    await this.done;
  }
}

describe.skipIf(!process.env.DATABASE_URL)(
  "three instances on one Postgres behave as one (issue 14; needs DATABASE_URL, skipped on PGlite)",
  () => {
    describe.each(transports)("status bus over $name", ({ env: transportEnv, skip }) => {
      if (skip) {
        it.skip(skip, () => {});
        return;
      }
      let database: Awaited<ReturnType<typeof createTestDatabase>>;
      let admin: postgres.Sql;
      let bond: StandaloneBondSandbox;
      const fleet = new Fleet();
      const subscribers: Subscriber[] = [];
      const retired: ServerProcess[] = [];

      afterAll(async () => {
        await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
        await Promise.all([...fleet.servers, ...retired].map((server) => server.stop()));
        await bond?.close();
        await admin?.end();
        await database?.drop();
      });

      it(
        "deliver every transition to every subscriber exactly once and in order, through a SIGKILL and a restart",
        { timeout: 240_000 },
        async () => {
          const started = Date.now();
          const webhookSecret = randomBytes(16).toString("hex");
          bond = await startStandaloneBondSandbox({
            identity: IDENTITY,
            authorization: AUTHORIZATION,
            webhookSecret,
            // Bond posts to the load balancer: round-robin over the live instances; a failed delivery is retried.
            webhookUrl: () => fleet.next()?.webhookUrl,
            webhookDelayMs: 20,
            webhookRetry: { attempts: 12, baseDelayMs: 100 },
          });
          database = await createTestDatabase();
          admin = postgres(database.url!, { max: 2, onnotice: () => {} });
          const shared = {
            DATABASE_URL: database.url!,
            BOND_API_URL: bond.apiUrl,
            BOND_IDENTITY: IDENTITY,
            BOND_AUTHORIZATION: AUTHORIZATION,
            BOND_WEBHOOK_SECRET: webhookSecret,
            PII_KEY: randomBytes(32).toString("base64"),
            LOG_LEVEL: "warn",
            // Everything comes from 127.0.0.1: no per-address or per-subject budget.
            IP_RATE_LIMIT_PER_MINUTE: "0",
            SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "0",
            // An attempt left PENDING by the killed instance is finished by another one's reconciler.
            RECONCILE_INTERVAL_MS: "500",
            RECONCILE_PENDING_AFTER_MS: "3000",
            ...transportEnv,
          };
          // The first applies the migrations; the other two start together.
          fleet.servers.push(await startServerProcess(shared));
          fleet.servers.push(...(await Promise.all([startServerProcess(shared), startServerProcess(shared)])));
          fleet.alive.push(true, true, true);

          // Customers, created round-robin.
          const customerIds: string[] = [];
          for (let i = 0; i < CUSTOMERS; i += 1) {
            const created = await fleet.next()!.graphql(CreateCustomerDocument, { input: newCustomerInput() });
            if (!created.data) throw new Error(`createCustomer failed: ${JSON.stringify(created.errors)}`);
            customerIds.push(created.data.createCustomer.id);
          }

          // Three subscribers per customer, one on each instance; all see the current status (version 0) first.
          customerIds.forEach((customerId) =>
            [0, 1, 2].forEach((instance) => subscribers.push(new Subscriber(fleet, customerId, instance))),
          );
          await eventually(
            async () => subscribers.every((subscriber) => subscriber.seen.length >= 1 || subscriber.failures.length > 0),
            60_000,
          );
          expect(subscribers.flatMap((subscriber) => subscriber.failures)).toEqual([]);
          expect(new Set(subscribers.map((subscriber) => subscriber.seen[0].version))).toEqual(new Set([0]));

          // What each instance acknowledged, to check afterwards that it is in the database.
          const ackedWebhooks: { customerId: string; event: string; occurredAt: string }[] = [];
          const ackedAttempts: string[] = [];
          const retried = { webhooks: 0, submissions: 0 };

          /** Posts a webhook signed as Bond signs it, round-robin; a failure (dead instance, non-2xx) is retried on the next one. */
          async function deliver(body: { customer_id: string; event: string; occurred_at: string; documents?: string[] }) {
            for (let tries = 0; ; tries += 1) {
              const server = fleet.next();
              const answer = server ? await server.postWebhook(body).catch(() => undefined) : undefined;
              if (answer && answer.status >= 200 && answer.status < 300) {
                ackedWebhooks.push({ customerId: body.customer_id, event: body.event, occurredAt: body.occurred_at });
                return;
              }
              retried.webhooks += 1;
              if (tries > 200)
                throw new Error(`webhook never acknowledged: ${JSON.stringify(body)} (last answer ${JSON.stringify(answer)})`);
              await sleep(50);
            }
          }

          /** submitKyc round-robin with a client idempotency key, retried on the next instance until it answers. */
          async function submit(customerId: string, key: string) {
            for (let tries = 0; ; tries += 1) {
              const server = fleet.next();
              const result = server
                ? await server
                    .graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: key, ssn: UNDER_REVIEW_SSN }) })
                    .catch(() => undefined)
                : undefined;
              if (result?.data) {
                ackedAttempts.push(result.data.submitKyc.id);
                return;
              }
              // No answer (the instance died), or IDEMPOTENCY_KEY_IN_FLIGHT while the attempt the dead instance left
              // PENDING waits for another instance's reconciler: retry with the same key.
              retried.submissions += 1;
              if (tries > 400) throw new Error(`submitKyc never answered: ${JSON.stringify(result)}`);
              await sleep(100);
            }
          }

          // The SIGKILL and the replacement, started when enough webhooks were acknowledged.
          const victim = 1;
          let killedAtAcks = 0;
          let killedLive = 0;
          let resolveRestarted!: () => void;
          const restarted = new Promise<void>((resolve) => (resolveRestarted = resolve));
          const lateJoiners: Subscriber[] = [];
          const chaos = (async () => {
            await eventually(async () => ackedWebhooks.length + ackedAttempts.length >= KILL_AFTER_ACKS, 60_000);
            killedAtAcks = ackedWebhooks.length + ackedAttempts.length;
            const killed = fleet.servers[victim];
            killedLive = subscribers.filter((subscriber) => subscriber.instances.at(-1) === killed.url).length;
            fleet.alive[victim] = false;
            expect(await killed.stop("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
            retired.push(killed);
            // A replacement on a new port (same database); the "load balancer" sends to it once it listens.
            fleet.servers[victim] = await startServerProcess(shared);
            fleet.alive[victim] = true;
            // New subscribers on the replacement that start from the very beginning (afterVersion 0).
            for (const customerId of customerIds) lateJoiners.push(new Subscriber(fleet, customerId, victim, 0));
            subscribers.push(...lateJoiners);
            resolveRestarted();
          })();

          // Each customer, in order: submitKyc (SUBMITTED; Bond then sends `submitted` and `under_review`), two webhooks,
          // and once the replacement is up two more, ending with a pass. Bond's time of each webhook is when it is sent.
          let lastSent = 0;
          const now = () => new Date((lastSent = Math.max(Date.now(), lastSent + 1))).toISOString();
          await Promise.all(
            customerIds.map(async (customerId, index) => {
              await submit(customerId, `fleet-${index}`);
              await deliver({
                customer_id: customerId,
                event: "kyc.verification.document_required",
                occurred_at: now(),
                documents: ["government_id"],
              });
              await deliver({ customer_id: customerId, event: "kyc.verification.under_review", occurred_at: now() });
              await restarted;
              await deliver({
                customer_id: customerId,
                event: index % 2 ? "kyc.verification.reenter_information" : "kyc.verification.failure",
                occurred_at: now(),
              });
              await deliver({ customer_id: customerId, event: "kyc.verification.success", occurred_at: now() });
            }),
          );
          await chaos;

          // Every customer ends PASSED; every subscriber catches up with the stored version.
          const finals = await eventually(async () => {
            const rows = await admin`select id, kyc_status, kyc_version from customers where id in ${admin(customerIds)}`;
            return (
              rows.length === CUSTOMERS &&
              rows.every((row) => row.kyc_status === "PASSED") &&
              new Map(rows.map((row) => [row.id as string, row.kyc_version as number]))
            );
          }, 60_000);
          await eventually(
            async () =>
              subscribers.every(
                (subscriber) => subscriber.failures.length > 0 || subscriber.lastVersion === finals.get(subscriber.customerId),
              ),
            60_000,
          ).catch(() => undefined);
          await sleep(300); // anything extra (a duplicate) would arrive now
          await Promise.all(subscribers.map((subscriber) => subscriber.stop()));

          expect(subscribers.flatMap((subscriber) => subscriber.failures)).toEqual([]);
          const history =
            await admin`select customer_id, version, status, previous_status from kyc_status_changes where customer_id in ${admin(customerIds)} order by customer_id, version`;
          const historyOf = new Map<string, { version: number; status: string; previousStatus: string | null }[]>();
          for (const row of history) {
            const list = historyOf.get(row.customer_id) ?? [];
            list.push({ version: row.version, status: row.status, previousStatus: row.previous_status });
            historyOf.set(row.customer_id, list);
          }
          for (const subscriber of subscribers) {
            const final = finals.get(subscriber.customerId)!;
            const first = subscriber.startAfter === undefined ? 0 : subscriber.startAfter + 1;
            const label = `customer ${subscriber.customerId}, subscriber via ${subscriber.instances.join(" -> ")}`;
            // Once each, in order, no gap: exactly the versions from its first to the final one.
            expect(
              subscriber.seen.map((message) => message.version),
              label,
            ).toEqual(Array.from({ length: final - first + 1 }, (_, step) => first + step));
            // Each is the stored change of that version.
            const changes = subscriber.seen
              .filter((message) => message.version > 0)
              .map((message) => ({ version: message.version, status: message.status, previousStatus: message.previousStatus }));
            expect(changes, label).toEqual(historyOf.get(subscriber.customerId)!.filter((change) => change.version >= Math.max(first, 1)));
            expect(subscriber.seen.at(-1)?.status, label).toBe("PASSED");
          }

          // Nothing acknowledged was lost.
          const events = await admin`select customer_id, event, occurred_at from kyc_events where customer_id in ${admin(customerIds)}`;
          const stored = new Set(events.map((row) => `${row.customer_id}|${row.event}|${new Date(row.occurred_at).toISOString()}`));
          expect(ackedWebhooks.filter((acked) => !stored.has(`${acked.customerId}|${acked.event}|${acked.occurredAt}`))).toEqual([]);
          const attempts = await admin`select id from kyc_attempts where customer_id in ${admin(customerIds)}`;
          const storedAttempts = new Set(attempts.map((row) => row.id as string));
          expect(ackedAttempts.filter((id) => !storedAttempts.has(id))).toEqual([]);
          // Bond got one KYC per customer (retries and reconciler resends counted once).
          for (const customerId of customerIds) expect(bond.sandbox.kycSubmissionCount(customerId)).toBe(1);

          // The run did what it claims: the kill came mid-run, its subscribers resumed, the replacement served.
          const resumed = subscribers.filter((subscriber) => subscriber.instances.length > 1);
          expect(killedAtAcks).toBeLessThan(CUSTOMERS * 3);
          expect(killedLive).toBeGreaterThanOrEqual(CUSTOMERS);
          expect(resumed.length).toBeGreaterThanOrEqual(killedLive);
          expect(lateJoiners.every((subscriber) => subscriber.instances[0] === fleet.servers[victim].url)).toBe(true);
          const messages = subscribers.reduce((sum, subscriber) => sum + subscriber.seen.length, 0);
          const bondRetries = bond.sandbox.deliveries.filter((delivery) => delivery.attempt > 1).length;
          console.info(
            `fleet: ${CUSTOMERS} customers, ${subscribers.length} subscribers, ${history.length} transitions, ${messages} messages; ` +
              `killed after ${killedAtAcks} acks, ${resumed.length} subscribers resumed; retried: ${retried.webhooks} webhooks, ${retried.submissions} submitKyc, ` +
              `${bondRetries} Bond deliveries, ${subscribers.reduce((sum, subscriber) => sum + subscriber.unavailable, 0)} subscriptions after SERVICE_UNAVAILABLE; ` +
              `${Date.now() - started} ms`,
          );
        },
      );
    });
  },
);
