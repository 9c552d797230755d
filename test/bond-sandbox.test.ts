import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBondSandbox, type BondSandbox, type BondSandboxOptions } from "../src/bond-sandbox/bond-sandbox.js";
import { verifyBondSignature } from "../src/bond/webhook-signature.js";

/** The embedded Bond sandbox over real HTTP, with a real receiver for its webhooks. */

const IDENTITY = "sandbox-identity";
const AUTHORIZATION = "sandbox-authorization";
const SECRET = "webhook-secret";
const MOUNT = "/bond/api/v0.1";
const PROGRAM_ID = "b50063df-0b39-43f7-9458-25b08a75d42a";
const PASSING_SSN = "123-45-6789";
const DAY_MS = 24 * 60 * 60 * 1000;
const MISSING = "Missing data for required field.";
const BOND_TIME = /^\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface ReceivedWebhook {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

interface Harness {
  sandbox: BondSandbox;
  received: ReceivedWebhook[];
  /** Statuses the receiver answers with, one per webhook, then 200. */
  receiverStatuses: number[];
  logs: string[];
  advanceClock(ms: number): void;
  now(): Date;
  /** Calls the sandbox with valid credentials; a header given as null is left out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string | null>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

const harnesses: Harness[] = [];

/** Starts an express server with the sandbox at /bond/api/v0.1 and a webhook receiver at /hook. */
async function startHarness(overrides: Partial<BondSandboxOptions> = {}): Promise<Harness> {
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  let baseUrl: string | undefined;
  const received: ReceivedWebhook[] = [];
  const receiverStatuses: number[] = [];
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });

  const sandbox = createBondSandbox({
    identity: IDENTITY,
    authorization: AUTHORIZATION,
    webhookSecret: SECRET,
    webhookUrl: () => (baseUrl ? `${baseUrl}/hook` : undefined),
    webhookDelayMs: 5,
    clock,
    logger: pino({ level: "trace" }, logStream),
    webhookRetry: { attempts: 3, baseDelayMs: 5 },
    ...overrides,
  });
  const app = express();
  app.use(MOUNT, sandbox.router);
  app.post("/hook", express.raw({ type: () => true }), (request, response) => {
    const rawBody = request.body as Buffer;
    received.push({ rawBody, headers: request.headers, body: JSON.parse(rawBody.toString("utf8")) });
    response.sendStatus(receiverStatuses.shift() ?? 200);
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const harness: Harness = {
    sandbox,
    received,
    receiverStatuses,
    logs,
    advanceClock: (ms) => {
      offsetMs += ms;
    },
    now: clock,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${MOUNT}${path}`, {
        method,
        headers: Object.entries({ Identity: IDENTITY, Authorization: AUTHORIZATION, "Content-Type": "application/json", ...headers }).filter(
          (entry): entry is [string, string] => entry[1] !== null,
        ),
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await sandbox.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  harnesses.push(harness);
  return harness;
}

const newCustomer = (overrides: Record<string, unknown> = {}) => ({
  first_name: "Jane",
  last_name: "O'Neil",
  dob: "1990-05-17",
  phone: "555-111-2222",
  phone_country_code: "1",
  email: "jane@example.com",
  addresses: [{ address_type: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zip_code: "78701", country: "US", is_primary: true }],
  ...overrides,
});

const kycBody = (overrides: Record<string, unknown> = {}) => ({
  program_id: PROGRAM_ID,
  ssn: PASSING_SSN,
  phone: "555-555-5555",
  phone_country_code: "1",
  email: "jane@example.com",
  ip: "127.1.1.1",
  ...overrides,
});

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

async function createCustomer(harness = h): Promise<string> {
  const created = await harness.call("POST", "/customers/", newCustomer());
  expect(created.status).toBe(201);
  return created.body.customer_id;
}

async function submitKyc(customerId: string, body: Record<string, unknown> = kycBody(), headers: Record<string, string | null> = {}, harness = h) {
  return harness.call("POST", `/customers/${customerId}/verification-kyc`, body, headers);
}

/** A customer whose KYC has passed (default SSN), with the success webhook delivered. */
async function passedCustomer(): Promise<string> {
  const customerId = await createCustomer();
  expect((await submitKyc(customerId)).status).toBe(201);
  await h.sandbox.idle();
  return customerId;
}

function outcomesFor(customerId: string, harness = h) {
  return harness.received.map((webhook) => webhook.body).filter((body) => body.customer_id === customerId);
}

describe("credentials", () => {
  it.each([
    ["no credentials", { Identity: null, Authorization: null }],
    ["a wrong Authorization", { Authorization: "wrong" }],
    ["a wrong Identity", { Identity: "wrong" }],
  ])("answers 401 to %s", async (_case, headers) => {
    const response = await h.call("POST", "/customers/", newCustomer(), headers);
    expect(response).toEqual({ status: 401, body: { Message: "Invalid credentials", Status: 401, Code: "unauthorized", Type: "Request Error" } });
    expect(h.sandbox.requests.at(-1)).toMatchObject({ method: "POST", path: "/customers/", status: 401 });
  });
});

describe("customers", () => {
  it("creates a customer (201) and never echoes the SSN", async () => {
    const response = await h.call("POST", "/customers/", newCustomer({ ssn: "123-45-6789", middle_name: "Q" }));
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      customer_id: expect.stringMatching(UUID_V4),
      date_created: expect.any(String),
      first_name: "Jane",
      middle_name: "Q",
      last_name: "O'Neil",
      dob: "1990-05-17",
      phone: "555-111-2222",
      phone_country_code: "1",
      email: "jane@example.com",
      addresses: [{ address_type: "PHYSICAL", street: "1 Main St", street2: null, city: "Austin", state: "TX", zip_code: "78701", country: "US", is_primary: true }],
    });
    expect(new Date(response.body.date_created).toISOString()).toBe(response.body.date_created);
    expect(JSON.stringify(response.body)).not.toContain("6789");
  });

  it("accepts POST /customers without the trailing slash and optional fields left out", async () => {
    const response = await h.call("POST", "/customers", { first_name: "Ann", last_name: "Lee", dob: "1980-01-01" });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ middle_name: null, phone: null, phone_country_code: null, email: null, addresses: [] });
  });

  it("answers 400 customer_post_schema with a per-field map of every problem", async () => {
    const response = await h.call("POST", "/customers/", {
      first_name: "J",
      last_name: "Lee",
      ssn: "12345",
      email: "not-an-email",
      addresses: [{ address_type: "HOME", street: "1 Main St", city: "Austin", state: "ZZ", zip_code: "78701", country: "US", is_primary: true }],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ Status: 400, Code: "customer_post_schema", Type: "Request Error" });
    expect(response.body.Message).toEqual({
      first_name: [expect.any(String)],
      dob: [MISSING],
      ssn: [expect.any(String)],
      email: [expect.any(String)],
      "addresses.0.address_type": [expect.any(String)],
      "addresses.0.state": [expect.any(String)],
    });

    const noPrimary = await h.call("POST", "/customers/", newCustomer({ addresses: [{ ...newCustomer().addresses[0], is_primary: false }] }));
    expect(noPrimary.body).toMatchObject({ Code: "customer_post_schema", Message: { addresses: ["At least one address must be primary."] } });
  });

  it("answers malformed JSON with a 400 in Bond's error shape", async () => {
    const response = await h.call("POST", "/customers/", '{"first_name": "Jane", "ssn": "123-45-6789"');
    expect(response).toEqual({ status: 400, body: { Message: "The request body is not valid JSON.", Status: 400, Code: "invalid_json", Type: "Request Error" } });
  });

  it("reads a customer back (200) and answers 404 customer_dne for an unknown one", async () => {
    const created = await h.call("POST", "/customers/", newCustomer());
    const read = await h.call("GET", `/customers/${created.body.customer_id}`);
    expect(read).toEqual({ status: 200, body: created.body });
    const unknown = await h.call("GET", "/customers/3f1d7a52-5a0e-4c1b-9d3e-000000000000");
    expect(unknown).toEqual({ status: 404, body: { Message: "Customer not found", Status: 404, Code: "customer_dne", Type: "Request Error" } });
  });

  it("updates only the given fields (PATCH) and validates them the same way", async () => {
    const customerId = await createCustomer();
    const updated = await h.call("PATCH", `/customers/${customerId}`, { email: "new@example.com", middle_name: "Ray" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ customer_id: customerId, first_name: "Jane", email: "new@example.com", middle_name: "Ray", dob: "1990-05-17" });
    expect((await h.call("GET", `/customers/${customerId}`)).body).toEqual(updated.body);

    const cleared = await h.call("PATCH", `/customers/${customerId}`, { middle_name: null });
    expect(cleared.body.middle_name).toBeNull();

    const invalid = await h.call("PATCH", `/customers/${customerId}`, { dob: "17/05/1990", phone: "call me" });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ Status: 400, Code: "customer_patch_schema", Type: "Request Error" });
    expect(Object.keys(invalid.body.Message).sort()).toEqual(["dob", "phone"]);
    expect((await h.call("PATCH", "/customers/3f1d7a52-5a0e-4c1b-9d3e-000000000000", { email: "a@b.co" })).status).toBe(404);
  });

  it("refuses a PATCH with kyc_customer once KYC has passed", async () => {
    const customerId = await passedCustomer();
    const response = await h.call("PATCH", `/customers/${customerId}`, { email: "new@example.com" });
    expect(response).toEqual({
      status: 400,
      body: { Message: "Customer information cannot be updated after KYC has passed.", Status: 400, Code: "kyc_customer", Type: "Request Error" },
    });
    expect((await h.call("GET", `/customers/${customerId}`)).body.email).toBe("jane@example.com");
  });
});

describe("POST /customers/:id/verification-kyc", () => {
  it("answers 201 submitted and counts the accepted submission", async () => {
    const customerId = await createCustomer();
    const response = await submitKyc(customerId);
    expect(response).toEqual({ status: 201, body: { customer_id: customerId, program_id: PROGRAM_ID, kyc_status: "submitted" } });
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(1);
    expect(h.sandbox.kycSubmissionCount("someone-else")).toBe(0);
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body).toMatchObject({ kyc_status: "submitted", kyc_passed_at: null });
  });

  it("answers 400 kyc_post_schema for a missing SSN, in Bond's exact shape", async () => {
    const customerId = await createCustomer();
    const { ssn: _ssn, ...withoutSsn } = kycBody();
    const response = await submitKyc(customerId, withoutSsn);
    expect(response).toEqual({ status: 400, body: { Message: { ssn: [MISSING] }, Status: 400, Code: "kyc_post_schema", Type: "Request Error" } });
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(0);
    await h.sandbox.idle();
    expect(h.received).toEqual([]);
  });

  it("reports all problems at once", async () => {
    const customerId = await createCustomer();
    const response = await submitKyc(customerId, { program_id: "nope", ssn: "12-34", ip: "257.134.1.57" });
    expect(response.status).toBe(400);
    expect(response.body.Code).toBe("kyc_post_schema");
    expect(response.body.Message).toEqual({
      program_id: [expect.any(String)],
      ssn: [expect.any(String)],
      phone: [MISSING],
      phone_country_code: [MISSING],
      email: [MISSING],
      ip: [expect.any(String)],
    });
  });

  it("accepts both SSN forms and a missing ip", async () => {
    const customerId = await createCustomer();
    const { ip: _ip, ...withoutIp } = kycBody({ ssn: "123456789" });
    expect((await submitKyc(customerId, withoutIp)).status).toBe(201);
  });

  it("answers 404 customer_dne for an unknown customer", async () => {
    const response = await submitKyc("3f1d7a52-5a0e-4c1b-9d3e-000000000000");
    expect(response).toEqual({ status: 404, body: { Message: "Customer not found", Status: 404, Code: "customer_dne", Type: "Request Error" } });
  });

  it("answers 409 idempotency_key_exists for a key reused within 24 h, without replaying the first answer", async () => {
    const customerId = await createCustomer();
    const key = { "Idempotency-Key": "attempt-1" };
    // 888-88-8888 times out, so the customer stays eligible for KYC.
    expect((await submitKyc(customerId, kycBody({ ssn: "888-88-8888" }), key)).status).toBe(201);
    const again = await submitKyc(customerId, kycBody({ ssn: "888-88-8888" }), key);
    expect(again).toEqual({
      status: 409,
      body: { type: "RESOURCE_CONFLICT", code: "idempotency_key_exists", message: "A request was made with this idempotency key in the past 24 hours" },
    });
    // The key is checked before the body: even an invalid body gets the 409.
    expect((await submitKyc(customerId, {}, key)).status).toBe(409);
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(1);
  });

  it("records a key only for accepted requests", async () => {
    const customerId = await createCustomer();
    const key = { "Idempotency-Key": "first-try-was-invalid" };
    expect((await submitKyc(customerId, kycBody({ ssn: undefined }), key)).status).toBe(400);
    expect((await submitKyc(customerId, kycBody(), key)).status).toBe(201);
  });

  it("lets a key be used again after 24 hours (by the injected clock)", async () => {
    const customerId = await createCustomer();
    const key = { "Idempotency-Key": "daily" };
    expect((await submitKyc(customerId, kycBody({ ssn: "888-88-8888" }), key)).status).toBe(201);
    await h.sandbox.idle();
    h.advanceClock(DAY_MS - 1000);
    expect((await submitKyc(customerId, kycBody(), key)).status).toBe(409);
    h.advanceClock(2000);
    expect((await submitKyc(customerId, kycBody(), key)).status).toBe(201);
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(2);
    await h.sandbox.idle();
    // The webhook after the jump is signed with the injected clock's time, so a receiver on that clock accepts it.
    const last = h.received.at(-1)!;
    expect(last.body.event).toBe("kyc.verification.success");
    expect(verifyBondSignature({ header: last.headers["bond-signature"] as string, rawBody: last.rawBody, secrets: [SECRET], toleranceSeconds: 300, now: h.now() })).toEqual({ ok: true });
  });

  it("answers 409 kyc_already_passed with the earlier success's time, before any other check", async () => {
    const customerId = await passedCustomer();
    const success = outcomesFor(customerId).find((body) => body.event === "kyc.verification.success")!;
    const passedAt = new Date(success.occurred_at.replace(/^(\d{4}-\d{2}-\d{2})-/, "$1T")).toISOString();
    const expected = {
      status: 409,
      body: { Message: "KYC has already passed for this customer.", Status: 409, Code: "kyc_already_passed", Type: "Request Error", kyc_passed_at: passedAt },
    };
    expect(await submitKyc(customerId)).toEqual(expected);
    expect(await submitKyc(customerId, {})).toEqual(expected);
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(1);
    const status = await h.call("GET", `/customers/${customerId}/verification-kyc`);
    expect(status).toEqual({ status: 200, body: { customer_id: customerId, kyc_status: "passed", kyc_passed_at: passedAt, documents: [], updated_at: passedAt } });
  });
});

describe("GET /customers/:id/verification-kyc", () => {
  it("is not_started before any submission and 404 for an unknown customer", async () => {
    const customerId = await createCustomer();
    expect(await h.call("GET", `/customers/${customerId}/verification-kyc`)).toEqual({
      status: 200,
      body: { customer_id: customerId, kyc_status: "not_started", kyc_passed_at: null, documents: [], updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
    });
    expect((await h.call("GET", "/customers/3f1d7a52-5a0e-4c1b-9d3e-000000000000/verification-kyc")).body.Code).toBe("customer_dne");
  });
});

describe("webhooks", () => {
  it("sends submitted, then success for an ordinary SSN, each signed over the exact bytes", async () => {
    const customerId = await createCustomer();
    await submitKyc(customerId);
    await h.sandbox.idle();
    expect(h.received.map((webhook) => webhook.body)).toEqual([
      { customer_id: customerId, kyc_status: "submitted" },
      { event: "kyc.verification.success", customer_id: customerId, occurred_at: expect.stringMatching(BOND_TIME) },
    ]);
    for (const webhook of h.received) {
      expect(webhook.headers["content-type"]).toBe("application/json");
      const check = verifyBondSignature({ header: webhook.headers["bond-signature"] as string, rawBody: webhook.rawBody, secrets: [SECRET], toleranceSeconds: 300, now: h.now() });
      expect(check).toEqual({ ok: true });
      expect(verifyBondSignature({ header: webhook.headers["bond-signature"] as string, rawBody: webhook.rawBody, secrets: ["other"], toleranceSeconds: 300 })).toEqual({ ok: false, reason: "mismatch" });
    }
    const occurredAt = new Date(h.received[1].body.occurred_at.replace(/^(\d{4}-\d{2}-\d{2})-/, "$1T"));
    expect(Math.abs(occurredAt.getTime() - Date.now())).toBeLessThan(10_000);
    expect(h.sandbox.deliveries.map(({ status, attempt }) => ({ status, attempt }))).toEqual([
      { status: 200, attempt: 1 },
      { status: 200, attempt: 1 },
    ]);
  });

  it.each([
    ["000-00-0000", "kyc.verification.under_review", "under_review", undefined],
    ["111-11-1111", "kyc.verification.document_required", "document_required", ["social_security_card", "government_id"]],
    ["222-22-2222", "kyc.verification.document_required", "document_required", ["government_id", "proof_of_address"]],
    ["333333333", "kyc.verification.document_required", "document_required", ["government_id"]],
    ["444-44-4444", "kyc.verification.document_required", "document_required", ["government_id", "proof_of_address", "social_security_card"]],
    ["888-88-8888", "kyc.verification.timeout", "timeout", undefined],
    ["123-45-6789", "kyc.verification.success", "passed", undefined],
  ])("SSN %s → %s", async (ssn, event, status, documents) => {
    const customerId = await createCustomer();
    await submitKyc(customerId, kycBody({ ssn }));
    await h.sandbox.idle();
    const [submitted, outcome] = outcomesFor(customerId);
    expect(submitted).toEqual({ customer_id: customerId, kyc_status: "submitted" });
    expect(outcome).toEqual({
      event,
      customer_id: customerId,
      occurred_at: expect.stringMatching(BOND_TIME),
      ...(documents ? { documents } : {}),
    });
    const state = await h.call("GET", `/customers/${customerId}/verification-kyc`);
    expect(state.body).toMatchObject({ kyc_status: status, documents: documents ?? [] });
  });

  it("retries a webhook the receiver answered 500, with the same body", async () => {
    h.receiverStatuses.push(500);
    const customerId = await createCustomer();
    await submitKyc(customerId);
    await h.sandbox.idle();
    expect(h.sandbox.deliveries.map(({ body, status, attempt }) => ({ kind: body.event ?? body.kyc_status, status, attempt }))).toEqual([
      { kind: "submitted", status: 500, attempt: 1 },
      { kind: "submitted", status: 200, attempt: 2 },
      { kind: "kyc.verification.success", status: 200, attempt: 1 },
    ]);
    expect(h.received[0].rawBody.equals(h.received[1].rawBody)).toBe(true);
    expect(h.received.map((webhook) => webhook.body.event ?? webhook.body.kyc_status)).toEqual(["submitted", "submitted", "kyc.verification.success"]);
  });

  it("gives up after the configured number of attempts, recording network errors", async () => {
    const harness = await startHarness({ webhookUrl: () => "http://127.0.0.1:9/hook", webhookRetry: { attempts: 2, baseDelayMs: 1 } });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries.map(({ status, attempt }) => ({ status, attempt }))).toEqual([
      { status: "network-error", attempt: 1 },
      { status: "network-error", attempt: 2 },
      { status: "network-error", attempt: 1 },
      { status: "network-error", attempt: 2 },
    ]);
    // Bond's decision does not depend on our receiver: the customer passed anyway.
    expect((await harness.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("passed");
  });

  it("skips delivery (and records nothing) while there is no webhook URL", async () => {
    const harness = await startHarness({ webhookUrl: () => undefined });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries).toEqual([]);
    expect((await harness.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("passed");
  });

  it("sends nothing more after close(), which is idempotent", async () => {
    const harness = await startHarness({ webhookDelayMs: 60_000 });
    const customerId = await createCustomer(harness);
    await submitKyc(customerId, kycBody(), {}, harness);
    const started = Date.now();
    await Promise.all([harness.sandbox.close(), harness.sandbox.close()]);
    await harness.sandbox.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(harness.received).toEqual([]);
    await submitKyc(await createCustomer(harness), kycBody(), {}, harness);
    await harness.sandbox.idle();
    expect(harness.sandbox.deliveries).toEqual([]);
  });
});

describe("simulation endpoints", () => {
  async function underReviewCustomer(): Promise<string> {
    const customerId = await createCustomer();
    await submitKyc(customerId, kycBody({ ssn: "000-00-0000" }));
    await h.sandbox.idle();
    return customerId;
  }

  it("POST /simulate/kyc-pass sends the success webhook and passes the customer", async () => {
    const customerId = await underReviewCustomer();
    const response = await h.call("POST", "/simulate/kyc-pass", { customer_id: customerId });
    expect(response).toEqual({ status: 200, body: { customer_id: customerId, event: "kyc.verification.success" } });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).at(-1)).toEqual({ event: "kyc.verification.success", customer_id: customerId, occurred_at: expect.stringMatching(BOND_TIME) });
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body).toMatchObject({ kyc_status: "passed", kyc_passed_at: expect.any(String) });
  });

  it("POST /simulate/kyc-fail sends a failure with default or given reasons", async () => {
    const customerId = await underReviewCustomer();
    expect((await h.call("POST", "/simulate/kyc-fail", { customer_id: customerId })).body).toEqual({ customer_id: customerId, event: "kyc.verification.failure" });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).at(-1)).toEqual({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: expect.stringMatching(BOND_TIME),
      reasons: { ofac: "passed", bureau: "failed", mobile: "passed", ip: "passed", email: "passed" },
    });
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("failed");

    await h.call("POST", "/simulate/kyc-fail", { customer_id: customerId, reasons: { ofac: "failed" } });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).at(-1)?.reasons).toEqual({ ofac: "failed" });
  });

  it.each([
    ["kyc.verification.error", {}, "error"],
    ["kyc.verification.reenter_information", { incorrect_information: ["phone"] }, "reenter_information"],
    ["kyc.verification.document_required", { documents: ["proof_of_address"] }, "document_required"],
  ])("POST /simulate/kyc-event (our extension) sends %s", async (event, extra, status) => {
    const customerId = await underReviewCustomer();
    const response = await h.call("POST", "/simulate/kyc-event", { customer_id: customerId, event, ...extra });
    expect(response).toEqual({ status: 200, body: { customer_id: customerId, event } });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).at(-1)).toEqual({ event, customer_id: customerId, occurred_at: expect.stringMatching(BOND_TIME), ...extra });
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe(status);
  });

  it("answers 404 for an unknown customer and 400 in Bond's shape for a bad body", async () => {
    const unknown = await h.call("POST", "/simulate/kyc-pass", { customer_id: "3f1d7a52-5a0e-4c1b-9d3e-000000000000" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.Code).toBe("customer_dne");
    const bad = await h.call("POST", "/simulate/kyc-event", { customer_id: "not-a-uuid", event: "kyc.verification.party" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ Status: 400, Type: "Request Error", Message: { customer_id: [expect.any(String)], event: [expect.any(String)] } });
    expect((await h.call("POST", "/simulate/kyc-fail", {})).body.Message).toEqual({ customer_id: [MISSING] });
    await h.sandbox.idle();
    expect(h.sandbox.deliveries).toEqual([]);
  });
});

describe("POST /customers/:id/verification-kyc/documents", () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]).toString("base64");
  const file = (file_name: string) => ({ file_name, image: jpeg });
  const governmentId = { government_id: { type: "drivers_license", country: "US", front_image: file("front.jpg") } };

  async function askedForDocuments(ssn: string): Promise<string> {
    const customerId = await createCustomer();
    await submitKyc(customerId, kycBody({ ssn }));
    await h.sandbox.idle();
    return customerId;
  }
  const upload = (customerId: string, body: unknown) => h.call("POST", `/customers/${customerId}/verification-kyc/documents`, body);

  it("takes the documents asked for, then sends under_review and the outcome once all are in", async () => {
    const customerId = await askedForDocuments("222-22-2222"); // government id + proof of address
    expect(await upload(customerId, governmentId)).toEqual({ status: 200, body: { customer_id: customerId, num_documents_submitted: 1 } });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).at(-1)?.event).toBe("kyc.verification.document_required");
    expect(await upload(customerId, { proof_of_address: { type: "utility_bill", ...file("bill.pdf") } })).toMatchObject({ status: 200 });
    await h.sandbox.idle();
    expect(outcomesFor(customerId).slice(-2).map((body) => body.event)).toEqual(["kyc.verification.under_review", "kyc.verification.success"]);
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe("passed");
  });

  it("refuses documents not asked for, already sent, or when none are required", async () => {
    const customerId = await askedForDocuments("333-33-3333"); // government id only
    const notAsked = await upload(customerId, { social_security_card: file("card.jpg") });
    expect(notAsked).toMatchObject({ status: 400, body: { Code: "kyc_documents", Message: { social_security_card: ["Not requested."] } } });
    const none = await upload(await createCustomer(), governmentId);
    expect(none).toMatchObject({ status: 400, body: { Code: "kyc_documents" } });
    const twice = await askedForDocuments("222-22-2222");
    await upload(twice, governmentId);
    expect((await upload(twice, governmentId)).body.Message).toEqual({ government_id: ["Already submitted."] });
    expect((await upload("3f1d7a52-5a0e-4c1b-9d3e-000000000000", governmentId)).status).toBe(404);
  });

  it("answers 400 kyc_documents_schema for bad files and missing back images", async () => {
    const customerId = await askedForDocuments("333-33-3333");
    const bad = await upload(customerId, { government_id: { type: "work_permit", country: "USA", front_image: { file_name: "front.gif", image: "***" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.Code).toBe("kyc_documents_schema");
    expect(Object.keys(bad.body.Message).sort()).toEqual(["government_id.back_image", "government_id.country", "government_id.front_image.file_name", "government_id.front_image.image"]);
    expect((await upload(customerId, {})).body.Message).toEqual({ _schema: ["Send at least one document."] });
  });
});

describe("personal data", () => {
  it("keeps no SSN or body in the request log or the sandbox's own log lines", async () => {
    const customerId = await createCustomer();
    const ssn = "987-65-4321";
    await submitKyc(customerId, kycBody({ ssn }), { "Idempotency-Key": "k-1" });
    await h.call("POST", "/customers/", `{"first_name": "Jane", "ssn": "${ssn}"`); // malformed: JSON errors quote the input
    await h.sandbox.idle();
    expect(h.sandbox.requests.find((request) => request.path.endsWith("/verification-kyc"))).toEqual({
      method: "POST",
      path: `/customers/${customerId}/verification-kyc`,
      customerId,
      idempotencyKey: "k-1",
      status: 201,
      at: expect.any(Date),
    });
    const everything = JSON.stringify(h.sandbox.requests) + JSON.stringify(h.sandbox.deliveries) + h.logs.join("");
    expect(h.logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain("987-65-4321");
    expect(everything).not.toContain("987654321");
    expect(everything).not.toContain("jane@example.com");
  });
});
