import { describe, expect, it } from "vitest";
import { useHarnessPerTest, MISSING, UUID_V4, newCustomer, kycBody, h, createCustomer, submitKyc, passedCustomer } from "./harness.js";

/** The embedded Bond sandbox over real HTTP: credentials, customers and personal data. */
useHarnessPerTest();

describe("credentials", () => {
  it.each([
    ["no credentials", { Identity: null, Authorization: null }],
    ["a wrong Authorization", { Authorization: "wrong" }],
    ["a wrong Identity", { Identity: "wrong" }],
  ])("answers 401 to %s", async (_case, headers) => {
    const response = await h.call("POST", "/customers/", newCustomer(), headers);
    expect(response).toEqual({
      status: 401,
      body: { Message: "Invalid credentials", Status: 401, Code: "unauthorized", Type: "Request Error" },
    });
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
      addresses: [
        {
          address_type: "PHYSICAL",
          street: "1 Main St",
          street2: null,
          city: "Austin",
          state: "TX",
          zip_code: "78701",
          country: "US",
          is_primary: true,
        },
      ],
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
      addresses: [
        { address_type: "HOME", street: "1 Main St", city: "Austin", state: "ZZ", zip_code: "78701", country: "US", is_primary: true },
      ],
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

    const noPrimary = await h.call(
      "POST",
      "/customers/",
      newCustomer({ addresses: [{ ...newCustomer().addresses[0], is_primary: false }] }),
    );
    expect(noPrimary.body).toMatchObject({
      Code: "customer_post_schema",
      Message: { addresses: ["At least one address must be primary."] },
    });
  });

  it("answers malformed JSON with a 400 in Bond's error shape", async () => {
    const response = await h.call("POST", "/customers/", '{"first_name": "Jane", "ssn": "123-45-6789"');
    expect(response).toEqual({
      status: 400,
      body: { Message: "The request body is not valid JSON.", Status: 400, Code: "invalid_json", Type: "Request Error" },
    });
  });

  it("reads a customer back (200) and answers 404 customer_dne for an unknown one", async () => {
    const created = await h.call("POST", "/customers/", newCustomer());
    const read = await h.call("GET", `/customers/${created.body.customer_id}`);
    expect(read).toEqual({ status: 200, body: created.body });
    const unknown = await h.call("GET", "/customers/3f1d7a52-5a0e-4c1b-9d3e-000000000000");
    expect(unknown).toEqual({
      status: 404,
      body: { Message: "Customer not found", Status: 404, Code: "customer_dne", Type: "Request Error" },
    });
  });

  it("updates only the given fields (PATCH) and validates them the same way", async () => {
    const customerId = await createCustomer();
    const updated = await h.call("PATCH", `/customers/${customerId}`, { email: "new@example.com", middle_name: "Ray" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      customer_id: customerId,
      first_name: "Jane",
      email: "new@example.com",
      middle_name: "Ray",
      dob: "1990-05-17",
    });
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
      body: {
        Message: "Customer information cannot be updated after KYC has passed.",
        Status: 400,
        Code: "kyc_customer",
        Type: "Request Error",
      },
    });
    expect((await h.call("GET", `/customers/${customerId}`)).body.email).toBe("jane@example.com");
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
