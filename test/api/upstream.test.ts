import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { CreateCustomerDocument } from "../gql/graphql.js";
import { customers, kycAttempts } from "../../src/db/schema.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { kycInput, newCustomerInput } from "../support/fixtures.js";
import { metricValue, scrapeMetrics } from "../support/metrics.js";
import { SubmitKycDocument, UploadKycDocumentDocument } from "../gql/graphql.js";

/** A "Bond" that answers everything with HTTP 503: what the app sees when Bond is down. */
let bond: Server;
let app: TestApp;
const bondRequests: Array<{ method: string; idempotencyKey: string | undefined }> = [];
beforeAll(async () => {
  bond = createServer((request, response) => {
    bondRequests.push({ method: request.method ?? "", idempotencyKey: request.headers["idempotency-key"] as string | undefined });
    response
      .writeHead(503, { "content-type": "application/json" })
      .end('{"Message":"maintenance","Status":503,"Code":"unavailable","Type":"Server Error"}');
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
    // Retried within the budget, always with the attempt's own key.
    const keys = bondRequests
      .filter((request) => request.method === "POST" && request.idempotencyKey)
      .map((request) => request.idempotencyKey);
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys)).toEqual(new Set([attempts[0].id]));
    // The same key may be sent again: it reuses the attempt rather than being refused.
    const retry = await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "retry-me" }) });
    expect(retry.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId))).toHaveLength(1);
  });

  it("counts the failed Bond calls in /metrics, by operation and kind, with their latency", async () => {
    const before = await scrapeMetrics(app);
    await app.graphql(CreateCustomerDocument, { input: newCustomerInput() });
    const after = await scrapeMetrics(app);
    const labels = { operation: "createCustomer", kind: "unavailable" };
    expect(metricValue(after, "kyc_bond_request_errors_total", labels)).toBe(
      metricValue(before, "kyc_bond_request_errors_total", labels) + 1,
    );
    const timed = { operation: "createCustomer", outcome: "unavailable" };
    expect(metricValue(after, "kyc_bond_request_duration_seconds_count", timed)).toBe(
      metricValue(before, "kyc_bond_request_duration_seconds_count", timed) + 1,
    );
    expect(
      metricValue(after, "kyc_graphql_operations_total", {
        operation: "createCustomer",
        type: "mutation",
        transport: "http",
        outcome: "error",
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe("when nothing listens at BOND_API_URL (connection refused)", () => {
  it("submitKyc retries, then answers UPSTREAM_UNAVAILABLE and records NOT_SENT", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refusedApp = await startTestApp({
      BOND_API_URL: `http://127.0.0.1:${port}/api/v0.1`,
      BOND_IDENTITY: "id",
      BOND_AUTHORIZATION: "auth",
      BOND_WEBHOOK_SECRET: "whsec",
    });
    try {
      const customerId = "5a7c3a52-8a36-4d55-9d8f-1f1c2d3e4a5c";
      await refusedApp.database.db.insert(customers).values({ id: customerId, firstName: "Bo", lastName: "Lee", dob: "1980-01-01" });
      const result = await refusedApp.graphql(SubmitKycDocument, { input: kycInput(customerId, { idempotencyKey: "k" }) });
      expect(result.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
      expect(refusedApp.logs.filter((line) => line.includes("Bond unavailable; retrying")).length).toBeGreaterThan(0);
      expect(await refusedApp.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId))).toMatchObject([
        { status: "NOT_SENT" },
      ]);
    } finally {
      await refusedApp.close();
    }
  });
});

describe("document upload when Bond is unavailable", () => {
  it("answers UPSTREAM_UNAVAILABLE and leaves the documents still required", async () => {
    const customerId = "5a7c3a52-8a36-4d55-9d8f-1f1c2d3e4a5c";
    await app.database.db.insert(customers).values({
      id: customerId,
      firstName: "Ann",
      lastName: "Lee",
      dob: "1980-01-01",
      kycStatus: "DOCUMENT_REQUIRED" as never,
      kycDocumentsRequired: ["social_security_card"],
    });
    const file = { fileName: "card.jpg", contentBase64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]).toString("base64") };
    const result = await app.graphql(UploadKycDocumentDocument, { input: { customerId, socialSecurityCard: { file } } });
    expect(result.errors?.[0].extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    const [row] = await app.database.db.select().from(customers).where(eq(customers.id, customerId));
    expect(row.kycDocumentsRequired).toEqual(["social_security_card"]);
  });
});
