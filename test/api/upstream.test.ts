import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { CreateCustomerDocument } from "../gql/graphql.js";
import { customers, kycAttempts } from "../../src/db/schema.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { kycInput, newCustomerInput } from "../support/fixtures.js";
import { SubmitKycDocument, UploadKycDocumentDocument } from "../gql/graphql.js";

/** A "Bond" that answers everything with HTTP 503: what the app sees when Bond is down. */
let bond: Server;
let app: TestApp;
beforeAll(async () => {
  bond = createServer((_request, response) => {
    response.writeHead(503, { "content-type": "application/json" }).end('{"Message":"maintenance","Status":503,"Code":"unavailable","Type":"Server Error"}');
  });
  await new Promise<void>((resolve) => bond.listen(0, "127.0.0.1", resolve));
  app = await startTestApp({
    BOND_API_URL: `http://127.0.0.1:${(bond.address() as AddressInfo).port}/api/v0.1`,
    BOND_IDENTITY: "id",
    BOND_AUTHORIZATION: "auth",
    BOND_WEBHOOK_SECRET: "whsec",
    BOND_TIMEOUT_MS: "2000",
  });
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => bond?.close(resolve));
});

describe("when Bond is unavailable", () => {
  it("createCustomer answers UPSTREAM_UNAVAILABLE and stores nothing", async () => {
    const before = await app.database.db.$count(customers);
    const result = await app.graphql(CreateCustomerDocument, { input: newCustomerInput() });
    expect(result.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(await app.database.db.$count(customers)).toBe(before);
    expect(app.bondSandbox).toBeNull();
  });

  it("submitKyc answers UPSTREAM_UNAVAILABLE and records the attempt as NOT_SENT, with nothing sealed left", async () => {
    const customerId = "4f7c3a52-8a36-4d55-9d8f-1f1c2d3e4a5b";
    await app.database.db.insert(customers).values({ id: customerId, firstName: "Ann", lastName: "Lee", dob: "1980-01-01" });
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "retry-me" }) });
    expect(result.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    const attempts = await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId));
    expect(attempts).toMatchObject([{ status: "NOT_SENT", sealedSubmission: null }]);
    // The same key may be sent again: it reuses the attempt rather than being refused.
    const retry = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "retry-me" }) });
    expect(retry.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId))).toHaveLength(1);
  });
});

describe("document upload when Bond is unavailable", () => {
  it("answers UPSTREAM_UNAVAILABLE and leaves the documents still required", async () => {
    const customerId = "5a7c3a52-8a36-4d55-9d8f-1f1c2d3e4a5c";
    await app.database.db
      .insert(customers)
      .values({ id: customerId, firstName: "Ann", lastName: "Lee", dob: "1980-01-01", kycStatus: "DOCUMENT_REQUIRED" as never, kycDocumentsRequired: ["social_security_card"] });
    const file = { fileName: "card.jpg", contentBase64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]).toString("base64") };
    const result = await app.graphql(UploadKycDocumentDocument, { input: { customerId, socialSecurityCard: { file } } });
    expect(result.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    const [row] = await app.database.db.select().from(customers).where(eq(customers.id, customerId));
    expect(row.kycDocumentsRequired).toEqual(["social_security_card"]);
  });
});
