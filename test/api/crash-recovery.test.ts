import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandaloneBondSandbox, type StandaloneBondSandbox } from "../../src/bond-sandbox/standalone.js";
import { CreateCustomerDocument, CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { eventually, kycInput, newCustomerInput } from "../support/fixtures.js";
import { createTestDatabase } from "../support/test-database.js";
import { TEST_JWT_SECRET } from "../support/test-app.js";

/**
 * The process dies (SIGKILL) right after Bond accepted a KYC submission and before our commit. Bond
 * (a sandbox in this test's process) remembers the Idempotency-Key; after a restart on the same
 * database the reconciler finishes the attempt: Bond counts it once, nothing is lost.
 */
const IDENTITY = "crash-identity";
const AUTHORIZATION = "crash-authorization";
const WEBHOOK_SECRET = "crash-webhook-secret";

let bond: StandaloneBondSandbox;
let current: ServerProcess | null = null;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  bond = await startStandaloneBondSandbox({
    identity: IDENTITY,
    authorization: AUTHORIZATION,
    webhookSecret: WEBHOOK_SECRET,
    // Webhooks go to whichever process is running; while none is, they fail and are retried, as Bond does.
    webhookUrl: () => current?.webhookUrl,
    webhookDelayMs: 50,
    webhookRetry: { attempts: 10, baseDelayMs: 200 },
  });
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "kyc-crash-"));
  baseEnv = {
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "warn",
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    BOND_API_URL: bond.apiUrl,
    BOND_IDENTITY: IDENTITY,
    BOND_AUTHORIZATION: AUTHORIZATION,
    BOND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PII_KEY: randomBytes(32).toString("base64"),
    DATA_DIR: dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  };
}, 180_000);

afterAll(async () => {
  await current?.stop();
  await bond?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("a crash between Bond's acceptance and our commit", () => {
  it("loses nothing and submits nothing twice: the restarted server resends the PENDING attempt with its key and Bond's 409 completes it", async () => {
    current = await startServerProcess({ ...baseEnv, KYC_FAULT_CRASH_AFTER_BOND_ACCEPT: "1" }, { entry: "source" });
    const created = await current.graphql(CreateCustomerDocument, { input: newCustomerInput() });
    const customerId = created.data!.createCustomer.id;

    const crashed = current;
    await expect(crashed.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "signup-1" }) })).rejects.toThrow();
    expect(await crashed.exited).toEqual({ code: null, signal: "SIGKILL" });
    current = null;
    expect(bond.sandbox.kycSubmissionCount(customerId)).toBe(1); // Bond has it; we never recorded its answer

    current = await startServerProcess(
      { ...baseEnv, RECONCILE_PENDING_AFTER_MS: "1000", RECONCILE_INTERVAL_MS: "250" },
      { entry: "source" },
    );
    const restarted = current;
    const customer = await eventually(async () => {
      const found = (await restarted.graphql(CustomerDocument, { id: customerId })).data?.customer;
      return found?.kycStatus === "PASSED" && found.kycAttempts[0]?.status === "PASSED" && found;
    }, 60_000);
    expect(customer.kycAttempts).toHaveLength(1);
    const [attempt] = customer.kycAttempts;
    expect(attempt).toMatchObject({ idempotencyKey: "signup-1", status: "PASSED" });

    const posts = bond.sandbox.requests.filter(
      (request) => request.method === "POST" && request.customerId === customerId && request.path.endsWith("/verification-kyc"),
    );
    // The resend gets 409 either way: idempotency_key_exists, or kyc_already_passed when the webhooks (retried
    // by Bond until the new process answered) passed the customer first.
    expect(posts.map((post) => [post.status, post.idempotencyKey])).toEqual([
      [201, attempt.id],
      [409, attempt.id],
    ]);
    expect(bond.sandbox.kycSubmissionCount(customerId)).toBe(1);

    // The client's own retry with the same key now replays the finished attempt without calling Bond.
    const replay = await restarted.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "signup-1" }) });
    expect(replay.data?.submitKyc.id).toBe(attempt.id);
    expect(bond.sandbox.kycSubmissionCount(customerId)).toBe(1);
  }, 240_000);
});
