import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { print } from "graphql";
import { CreateCustomerDocument, SubmitKycDocument, UpdateCustomerDocument } from "../gql/graphql.js";
import { customers, kycAttempts } from "../../src/db/schema.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput, newCustomerInput, unknownCustomerId } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("bad input gets typed errors and changes nothing", () => {
  it("lists every ill-formed KYC field in extensions.fields, before calling Bond", async () => {
    const customerId = await createCustomer(app);
    const result = await app.graphql(SubmitKycDocument, {
      input: kycInput(customerId, {
        ssn: "12-345-678",
        phone: "phone",
        phoneCountryCode: "0001",
        email: "not-an-email",
        ip: "257.134.1.57",
        programId: "nope",
      }),
    });
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(Object.keys(result.errors?.[0].extensions?.fields as object).sort()).toEqual([
      "email",
      "ip",
      "phone",
      "phoneCountryCode",
      "programId",
      "ssn",
    ]);
    expect(JSON.stringify(result)).not.toContain("12-345-678");
    expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(0);
    expect(await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId))).toHaveLength(0);
  });

  it("maps a field missing from the variables to BAD_USER_INPUT with Bond's message, without echoing the input", async () => {
    const customerId = await createCustomer(app);
    const { ssn: _omitted, ...withoutSsn } = kycInput(customerId);
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await app.asService()) },
      body: JSON.stringify({ query: print(SubmitKycDocument), variables: { input: { ...withoutSsn, phone: "555-999-0000" } } }),
    });
    const result = await response.json();
    expect(result.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", fields: { ssn: ["Missing data for required field."] } });
    expect(JSON.stringify(result)).not.toContain("555-999-0000");
  });

  it("answers CUSTOMER_NOT_FOUND for KYC on an unknown customer", async () => {
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(unknownCustomerId()) });
    expect(result.errors?.[0].extensions?.code).toBe("CUSTOMER_NOT_FOUND");
  });

  it("validates a new customer's fields and stores nothing", async () => {
    const before = await app.database.db.$count(customers);
    const result = await app.graphql(CreateCustomerDocument, {
      input: newCustomerInput({
        firstName: "J",
        dob: "1990-02-30",
        email: "x",
        addresses: [{ addressType: "MAILING", street: "", city: "A", state: "ZZ", zipCode: "1", country: "US", isPrimary: false }],
      }),
    });
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(Object.keys(result.errors?.[0].extensions?.fields as object).sort()).toEqual(
      [
        "addresses",
        "addresses.0.city",
        "addresses.0.state",
        "addresses.0.street",
        "addresses.0.zipCode",
        "dob",
        "email",
        "firstName",
      ].sort(),
    );
    expect(await app.database.db.$count(customers)).toBe(before);
  });

  it("makes a lone address primary when isPrimary is left out, and still wants one primary among several", async () => {
    const address = { addressType: "PHYSICAL" as const, street: "1 Main St", city: "Austin", state: "TX", zipCode: "78701" };
    const lone = await app.graphql(CreateCustomerDocument, { input: newCustomerInput({ addresses: [address] }) });
    expect(lone.errors).toBeUndefined();
    expect(lone.data?.createCustomer.addresses).toMatchObject([{ street: "1 Main St", isPrimary: true }]);
    const several = await app.graphql(CreateCustomerDocument, {
      input: newCustomerInput({ addresses: [address, { ...address, addressType: "MAILING" }] }),
    });
    expect(several.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: { addresses: ["Exactly one address must be primary."] },
    });
  });

  it("validates an update and answers CUSTOMER_NOT_FOUND for an unknown id", async () => {
    const customerId = await createCustomer(app);
    const bad = await app.graphql(UpdateCustomerDocument, { id: customerId, input: { dob: "tomorrow" } });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { dob: expect.any(Array) } });
    const unknown = await app.graphql(UpdateCustomerDocument, { id: unknownCustomerId(), input: { email: "a@b.co" } });
    expect(unknown.errors?.[0].extensions?.code).toBe("CUSTOMER_NOT_FOUND");
  });

  it("returns null for a customer that does not exist", async () => {
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await app.asService()) },
      body: JSON.stringify({ query: "query($id: ID!) { customer(id: $id) { id } }", variables: { id: unknownCustomerId() } }),
    });
    expect(await response.json()).toEqual({ data: { customer: null } });
  });
});

describe("ids that are not UUIDs", () => {
  it("find no customer instead of failing", async () => {
    const query = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await app.asService()) },
      body: JSON.stringify({ query: '{ customer(id: "not-a-uuid\' or 1=1 --") { id } }' }),
    });
    expect(await query.json()).toEqual({ data: { customer: null } });
    const update = await app.graphql(UpdateCustomerDocument, { id: "x", input: { email: "a@b.co" } });
    expect(update.errors?.[0].extensions?.code).toBe("CUSTOMER_NOT_FOUND");
  });
});
