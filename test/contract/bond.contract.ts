import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandaloneBondSandbox, type StandaloneBondSandbox } from "../../src/bond-sandbox/standalone.js";
import { BondRequestError, createBondClient, type BondApi } from "../../src/bond/bond-client.js";
import { createBondWebhookApi, KYC_WEBHOOK_EVENTS, WEBHOOK_ENVELOPE_VERSION, type BondWebhookApi } from "../../src/bond/bond-webhooks.js";
import { verifyBondSignature } from "../../src/bond/webhook-signature.js";
import { parseBondWebhook } from "../../src/domain/bond-webhook.js";
import type { KycSubmission } from "../../src/domain/kyc-submission.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * The contract between our Bond client and Bond: every call the service makes, and the webhook path,
 * against whichever Bond the environment names.
 *
 *   npm run test:contract                                  # an embedded sandbox this suite starts
 *   BOND_API_URL=https://sandbox.bond.tech/api/v0.1 BOND_IDENTITY=… BOND_AUTHORIZATION=… \
 *   CONTRACT_PROGRAM_ID=<your program> [CONTRACT_PUBLIC_URL=https://<tunnel to CONTRACT_RECEIVER_PORT>] \
 *   [BOND_WEBHOOK_SECRET=…] npm run test:contract          # Bond's real sandbox
 *
 * Each expectation that does not hold is recorded as a difference (what we expected, what Bond did) and
 * all of them are printed at the end, so one run lists everything that differs.
 */
const env = process.env;
const REAL = Boolean(env.BOND_API_URL);
const IDENTITY = env.BOND_IDENTITY ?? "contract-identity";
const AUTHORIZATION = env.BOND_AUTHORIZATION ?? "contract-authorization";
const SANDBOX_SECRET = "contract-webhook-secret";
const PROGRAM_ID = env.CONTRACT_PROGRAM_ID ?? "b50063df-0b39-43f7-9458-25b08a75d42a";

const differences: string[] = [];
/** Records a difference (and fails the test softly) when `actual` is not what Bond's docs / our client expect. */
function check(
  what: string,
  actual: unknown,
  expected: unknown,
  matches: (actual: any) => boolean = (value) => JSON.stringify(value) === JSON.stringify(expected),
): void {
  const ok = (() => {
    try {
      return matches(actual);
    } catch {
      return false;
    }
  })();
  if (!ok) differences.push(`${what}\n      expected: ${JSON.stringify(expected)}\n      Bond did: ${JSON.stringify(actual)}`);
  expect.soft(ok, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`).toBe(true);
}

let sandbox: StandaloneBondSandbox | null = null;
let apiUrl: string;
let bond: BondApi;
let webhooks: BondWebhookApi;
let receiver: WebhookReceiver | null = null;
/** Where Bond can reach the receiver; null = the delivery path cannot be checked against this Bond. */
let receiverPublicUrl: string | null = null;

beforeAll(async () => {
  if (REAL) {
    apiUrl = env.BOND_API_URL!.replace(/\/+$/, "");
    if (env.CONTRACT_PUBLIC_URL) {
      receiver = await startWebhookReceiver(Number(env.CONTRACT_RECEIVER_PORT ?? 8787));
      receiverPublicUrl = env.CONTRACT_PUBLIC_URL.replace(/\/+$/, "");
    }
  } else {
    sandbox = await startStandaloneBondSandbox({
      identity: IDENTITY,
      authorization: AUTHORIZATION,
      webhookSecret: SANDBOX_SECRET,
      webhookDelayMs: 20,
    });
    apiUrl = sandbox.apiUrl;
    receiver = await startWebhookReceiver();
    receiverPublicUrl = receiver.url;
  }
  const access = { baseUrl: apiUrl, identity: IDENTITY, authorization: AUTHORIZATION, timeoutMs: 30_000 };
  bond = createBondClient(access);
  webhooks = createBondWebhookApi(access);
  console.log(`contract suite against ${REAL ? `Bond at ${apiUrl}` : `an embedded sandbox at ${apiUrl}`}`);
});

afterAll(async () => {
  console.log(
    differences.length === 0
      ? "contract: no differences between Bond and what our client expects"
      : `contract: ${differences.length} difference(s) between Bond and what our client expects:\n${differences.map((difference, index) => `  ${index + 1}. ${difference}`).join("\n")}`,
  );
  await sandbox?.close();
  await receiver?.close();
});

const customer = () => ({
  firstName: "Jane",
  lastName: "Doe",
  dob: "1990-05-17",
  email: "jane@example.com",
  phone: "555-111-2222",
  phoneCountryCode: "1",
  addresses: [
    {
      addressType: "PHYSICAL" as const,
      street: "1 Main St",
      city: "Austin",
      state: "TX",
      zipCode: "78701",
      country: "US",
      isPrimary: true,
    },
  ],
});
const submission = (customerId: string, ssn = "123-45-6789"): KycSubmission => ({
  customerId,
  programId: PROGRAM_ID,
  ssn,
  phone: "555-555-5555",
  phoneCountryCode: "1",
  email: "jane@example.com",
  ip: "127.1.1.1",
  idempotencyKey: null,
});
const outcomeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({
      ok: false as const,
      status: (error as BondRequestError).status,
      code: (error as BondRequestError).code,
      fields: (error as BondRequestError).fields,
      name: (error as Error).name,
    }),
  );

/** A contract test: an exception (Bond unreachable, an answer our client cannot read) is a difference too. */
function contract(name: string, body: () => Promise<void>, skip = false): void {
  it.skipIf(skip)(name, async () => {
    try {
      await body();
    } catch (error) {
      differences.push(`${name}\n      threw: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      throw error;
    }
  });
}

async function waitFor<T>(read: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("Bond contract", () => {
  let customerId: string;

  contract("POST /customers creates a customer and returns its customer_id", async () => {
    const created = await bond.createCustomer(customer());
    customerId = created.customerId;
    check("customer_id is a UUID", customerId, "a UUID", (id) => /^[0-9a-f-]{36}$/i.test(id));
    check("date_created is a date", created.dateCreated?.toISOString() ?? null, "an ISO date", (date) => typeof date === "string");
  });

  contract("POST …/verification-kyc accepts a well-formed request (2xx)", async () => {
    check("KYC happy path", await outcomeOf(bond.submitKyc(customerId, submission(customerId), `contract-${randomUUID()}`)), { ok: true });
  });

  contract("answers a reused Idempotency-Key with 409 idempotency_key_exists (Bond refuses, it does not replay)", async () => {
    const other = (await bond.createCustomer(customer())).customerId;
    const key = `contract-${randomUUID()}`;
    check("first use of a key", await outcomeOf(bond.submitKyc(other, submission(other), key)), { ok: true });
    const second = await outcomeOf(bond.submitKyc(other, submission(other), key));
    check(
      "second use of the key",
      second,
      { ok: false, status: 409, code: "idempotency_key_exists" },
      (value) => value.status === 409 && value.code === "idempotency_key_exists",
    );
  });

  contract("answers a missing field with 400 kyc_post_schema and per-field messages", async () => {
    const other = (await bond.createCustomer(customer())).customerId;
    const { ssn: _ssn, ...withoutSsn } = submission(other);
    const refused = await outcomeOf(bond.submitKyc(other, withoutSsn as KycSubmission, `contract-${randomUUID()}`));
    check(
      "missing ssn",
      refused,
      { ok: false, status: 400, code: "kyc_post_schema", fields: { ssn: ["Missing data for required field."] } },
      (value) =>
        value.status === 400 &&
        value.code === "kyc_post_schema" &&
        JSON.stringify(value.fields?.ssn) === JSON.stringify(["Missing data for required field."]),
    );
  });

  contract("GET …/verification-kyc reads the KYC status (path and body are our guess)", async () => {
    const read = await bond.getKycStatus(customerId).then(
      (report) => ({ ok: true, kycStatus: report.kycStatus }),
      (error: unknown) => ({ ok: false, status: (error as BondRequestError).status, code: (error as BondRequestError).code }),
    );
    check(
      "status read",
      read,
      { ok: true, kycStatus: "one of submitted, under_review, passed, …" },
      (value) => value.ok && typeof value.kycStatus === "string",
    );
  });

  contract("/webhooks: create, list, get, disable, delete a subscription", async () => {
    const url = `${receiverPublicUrl ?? "https://kyc-graphql-contract.invalid"}/contract-registration-${randomUUID()}`;
    const created = await webhooks.create({
      url,
      events: KYC_WEBHOOK_EVENTS,
      description: "kyc-graphql contract suite",
      version: WEBHOOK_ENVELOPE_VERSION,
      status: "STATUS_DISABLED",
    });
    try {
      check("create answers an id", created.id, "an id", (id) => typeof id === "string" && id.length > 0);
      check("create answers a signing secret (our assumption)", created.secret === null ? null : "<a secret>", "<a secret>");
      const listed = (await webhooks.list()).find((subscription) => subscription.id === created.id);
      check("GET /webhooks lists it", listed ? { url: listed.url, events: listed.events, status: listed.status } : null, {
        url,
        events: KYC_WEBHOOK_EVENTS,
        status: "STATUS_DISABLED",
      });
      const one = await webhooks.get(created.id).then(
        (subscription) => subscription.id,
        (error: unknown) => `error ${(error as BondRequestError).status}`,
      );
      check("GET /webhooks/{id} (our guess)", one, created.id);
      const patched = await webhooks.update(created.id, { status: "STATUS_ENABLED" }).then(
        (subscription) => subscription.status,
        (error: unknown) => `error ${(error as BondRequestError).status}`,
      );
      check("PATCH /webhooks/{id} (our guess)", patched, "STATUS_ENABLED");
    } finally {
      const deleted = await outcomeOf(webhooks.delete(created.id));
      check("DELETE /webhooks/{id} (our guess)", deleted, { ok: true });
    }
  });

  contract(
    "delivers signed KYC webhooks to a subscribed URL, which our verifier and parser accept",
    async () => {
      const url = `${receiverPublicUrl!}/contract-delivery-${randomUUID()}`;
      const created = await webhooks.create({
        url,
        events: KYC_WEBHOOK_EVENTS,
        description: "kyc-graphql contract suite",
        version: WEBHOOK_ENVELOPE_VERSION,
        status: "STATUS_ENABLED",
      });
      const secrets = [created.secret, ...(env.BOND_WEBHOOK_SECRET ?? "").split(",")].filter((secret): secret is string => Boolean(secret));
      try {
        const other = (await bond.createCustomer(customer())).customerId;
        await bond.submitKyc(other, submission(other), `contract-${randomUUID()}`);
        const path = new URL(url).pathname;
        const mine = () => receiver!.received.filter((webhook) => webhook.path === path && webhook.body.customer_id === other);
        await waitFor(() => (mine().length >= 2 ? true : undefined), REAL ? 90_000 : 20_000);
        const got = mine();
        check(
          "webhooks received (submitted, then an outcome)",
          got.map((webhook) => webhook.body.event ?? webhook.body.kyc_status),
          ["submitted", "kyc.verification.success"],
        );
        for (const webhook of got) {
          const signature = verifyBondSignature({
            header: webhook.headers["bond-signature"] as string | undefined,
            rawBody: webhook.rawBody,
            secrets,
            toleranceSeconds: 300,
          });
          check(`Bond-Signature of ${webhook.body.event ?? "submitted"} verifies ("{t}.{body}" is our assumption)`, signature, {
            ok: true,
          });
          const parsed = (() => {
            try {
              return parseBondWebhook(webhook.body).event;
            } catch (error) {
              return `refused: ${(error as Error).message}`;
            }
          })();
          check(`our parser reads ${webhook.body.event ?? "submitted"}`, parsed, webhook.body.event ?? "kyc.submitted");
        }
      } finally {
        await webhooks.delete(created.id).catch(() => undefined);
      }
    },
    REAL && !env.CONTRACT_PUBLIC_URL,
  );
});
