import { Client, fetchExchange } from "@urql/core";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../src/db/schema.js";
import { CustomerKycStatusDocument } from "../gql/graphql.js";
import { createCustomer } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("queries by GET (urql's preferGetMethod)", () => {
  it("answers a query urql sends as GET with its bearer token", async () => {
    const customerId = await createCustomer(app);
    const token = await app.customerToken(customerId);
    const methods: string[] = [];
    const client = new Client({
      url: app.graphqlUrl,
      exchanges: [fetchExchange],
      preferGetMethod: true,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
      fetch: (input, init) => {
        methods.push(init?.method ?? "GET");
        return fetch(input, init);
      },
    });
    const result = await client.query(CustomerKycStatusDocument, { id: customerId }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.customer).toMatchObject({ id: customerId, kycStatus: "NOT_STARTED" });
    expect(methods).toEqual(["GET"]);
  });

  it("accepts a GET with apollo-require-preflight too (it then fails on the missing token, not on CSRF)", async () => {
    const response = await fetch(`${app.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).toContain("UNAUTHENTICATED");
  });

  it("refuses a GET that carries none of the headers that force a browser preflight (CSRF)", async () => {
    const response = await fetch(`${app.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  it("never runs a mutation sent by GET, even with a valid token", async () => {
    const before = await app.database.db.$count(customers);
    const mutation = `mutation { createCustomer(input: { firstName: "Get", lastName: "Request", dob: "1990-01-01", addresses: [] }) { id } }`;
    const response = await fetch(`${app.graphqlUrl}?query=${encodeURIComponent(mutation)}`, { headers: await app.asService() });
    expect(response.status).toBe(405);
    expect(await app.database.db.$count(customers)).toBe(before);
    expect(await app.database.db.$count(customers, eq(customers.firstName, "Get"))).toBe(0);
  });
});
