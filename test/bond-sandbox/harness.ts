import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { afterEach, beforeEach, expect } from "vitest";
import { createBondSandbox, type BondSandbox, type BondSandboxOptions } from "../../src/bond-sandbox/bond-sandbox.js";

/** The embedded Bond sandbox over real HTTP, with a real receiver for its webhooks: the harness of test/bond-sandbox/*.test.ts. */

export const IDENTITY = "sandbox-identity";
export const AUTHORIZATION = "sandbox-authorization";
export const SECRET = "webhook-secret";
export const MOUNT = "/bond/api/v0.1";
export const PROGRAM_ID = "b50063df-0b39-43f7-9458-25b08a75d42a";
export const PASSING_SSN = "123-45-6789";
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MISSING = "Missing data for required field.";
export const BOND_TIME = /^\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface ReceivedWebhook {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

export interface Harness {
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
export async function startHarness(overrides: Partial<BondSandboxOptions> = {}): Promise<Harness> {
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
        headers: Object.entries({
          Identity: IDENTITY,
          Authorization: AUTHORIZATION,
          "Content-Type": "application/json",
          ...headers,
        }).filter((entry): entry is [string, string] => entry[1] !== null),
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

export const newCustomer = (overrides: Record<string, unknown> = {}) => ({
  first_name: "Jane",
  last_name: "O'Neil",
  dob: "1990-05-17",
  phone: "555-111-2222",
  phone_country_code: "1",
  email: "jane@example.com",
  addresses: [
    { address_type: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zip_code: "78701", country: "US", is_primary: true },
  ],
  ...overrides,
});

export const kycBody = (overrides: Record<string, unknown> = {}) => ({
  program_id: PROGRAM_ID,
  ssn: PASSING_SSN,
  phone: "555-555-5555",
  phone_country_code: "1",
  email: "jane@example.com",
  ip: "127.1.1.1",
  ...overrides,
});

/** The harness of the running test (a fresh one per test, after `useHarnessPerTest()`). */
export let h: Harness;

/** Call at the top of a test file: each test gets its own sandbox and receiver, closed after it. */
export function useHarnessPerTest(): void {
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  });
}

export async function createCustomer(harness = h): Promise<string> {
  const created = await harness.call("POST", "/customers/", newCustomer());
  expect(created.status).toBe(201);
  return created.body.customer_id;
}

export async function submitKyc(
  customerId: string,
  body: Record<string, unknown> = kycBody(),
  headers: Record<string, string | null> = {},
  harness = h,
) {
  return harness.call("POST", `/customers/${customerId}/verification-kyc`, body, headers);
}

/** A customer whose KYC has passed (default SSN), with the success webhook delivered. */
export async function passedCustomer(): Promise<string> {
  const customerId = await createCustomer();
  expect((await submitKyc(customerId)).status).toBe(201);
  await h.sandbox.idle();
  return customerId;
}

export function outcomesFor(customerId: string, harness = h) {
  return harness.received.map((webhook) => webhook.body).filter((body) => body.customer_id === customerId);
}
