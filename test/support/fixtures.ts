import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { ExecutionResult } from "graphql";
import { customers, kycEvents } from "../../src/db/schema.js";
import { CreateCustomerDocument, CustomerDocument, type CreateCustomerInput, type SubmitKycInput } from "../gql/graphql.js";
import type { TestApp } from "./test-app.js";

export const PROGRAM_ID = "b50063df-0b39-43f7-9458-25b08a75d42a";
/** Any SSN that is not one of Bond's sandbox test values passes KYC in the sandbox. */
export const PASSING_SSN = "123-45-6789";

export const newCustomerInput = (overrides: Partial<CreateCustomerInput> = {}): CreateCustomerInput => ({
  firstName: "Jane",
  lastName: "O'Neil",
  dob: "1990-05-17",
  email: "jane@example.com",
  phone: "555-111-2222",
  phoneCountryCode: "1",
  addresses: [
    { addressType: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zipCode: "78701", country: "US", isPrimary: true },
  ],
  ...overrides,
});

export async function createCustomer(app: TestApp, overrides: Partial<CreateCustomerInput> = {}): Promise<string> {
  const result = await app.graphql(CreateCustomerDocument, { input: newCustomerInput(overrides) });
  if (!result.data) throw new Error(`createCustomer failed: ${JSON.stringify(result.errors)}`);
  return result.data.createCustomer.id;
}

export const kycInput = (customerId: string, overrides: Partial<SubmitKycInput> = {}): SubmitKycInput => ({
  customerId,
  programId: PROGRAM_ID,
  ssn: PASSING_SSN,
  phone: "555-555-5555",
  phoneCountryCode: "1",
  email: "jane@example.com",
  ip: "127.1.1.1",
  ...overrides,
});

export const unknownCustomerId = () => randomUUID();

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs` (generous: CI machines are loaded). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until a synchronous `check` holds (polling every 20 ms), or fails after `timeoutMs` (generous: CI machines are loaded). */
export async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Drives the embedded sandbox's /simulate endpoints (what Bond's dashboard does by hand); fails unless it answers 200. */
export async function bondSimulate(app: TestApp, path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${app.bondApiUrl}/simulate/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", Identity: "sandbox-identity", Authorization: "sandbox-authorization" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`simulate/${path} answered ${response.status}: ${await response.text()}`);
}

/** Anything the tests send GraphQL through with a service token: an in-process app or a server process. */
export interface GraphqlClient {
  graphql<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<ExecutionResult<TResult>>;
}

/** The customer as the `Customer` query reads it (undefined if the query found none or failed). */
export async function customerOf(client: GraphqlClient, customerId: string) {
  return (await client.graphql(CustomerDocument, { id: customerId })).data?.customer ?? undefined;
}

/** Polls the `Customer` query until the customer's kycStatus is `status`; resolves with the customer as then read. */
export async function waitForKycStatus(client: GraphqlClient, customerId: string, status: string, timeoutMs?: number) {
  return eventually(async () => {
    const customer = await customerOf(client, customerId);
    return customer?.kycStatus === status && customer;
  }, timeoutMs);
}

/** The customer's row as stored. */
export async function customerRow(app: TestApp, customerId: string) {
  return (await app.database.db.select().from(customers).where(eq(customers.id, customerId)))[0];
}

/** The customer's stored KYC events. */
export const kycEventsOf = (app: TestApp, customerId: string) =>
  app.database.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId));

/** The app's reads of the customer's KYC status at the embedded Bond sandbox (`GET …/verification-kyc`). */
export const bondStatusReads = (app: TestApp, customerId: string) =>
  app.bondSandbox!.requests.filter(
    (request) => request.method === "GET" && request.customerId === customerId && request.path.endsWith("/verification-kyc"),
  );

/** An event time `seconds` after 2026-01-01T00:00:00Z, for webhooks sent in a known order. */
export const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
