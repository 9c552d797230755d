import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BondKycAlreadyPassedError,
  BondRequestError,
  BondUnavailableError,
  createBondClient,
  kycDocumentBody,
  parseAlreadyPassed,
  type BondApi,
} from "../../src/bond/bond-client.js";
import { createBondSandbox, type BondSandbox } from "../../src/bond-sandbox/bond-sandbox.js";
import { validateKycSubmission, type KycSubmission } from "../../src/domain/kyc-submission.js";
import { validateKycDocumentUpload } from "../../src/domain/kyc-document.js";

/** The Bond client against the embedded sandbox over real HTTP: the contract both sides share. */
let server: Server;
let sandbox: BondSandbox;
let bond: BondApi;
let baseUrl: string;
const webhooks: unknown[] = [];

beforeAll(async () => {
  const app = express();
  sandbox = createBondSandbox({
    identity: "id-1",
    authorization: "auth-1",
    webhookSecret: "secret",
    webhookUrl: () => `${baseUrl.replace("/api/v0.1", "")}/hook`,
    webhookDelayMs: 1,
  });
  app.use("/api/v0.1", sandbox.router);
  app.post("/hook", express.json(), (request, response) => {
    webhooks.push(request.body);
    response.sendStatus(200);
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0.1`;
  bond = createBondClient({ baseUrl, identity: "id-1", authorization: "auth-1", timeoutMs: 2000 });
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const submission = (customerId: string, overrides: Partial<KycSubmission> = {}): KycSubmission => ({
  ...validateKycSubmission({
    customerId,
    programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
    ssn: "123-45-6789",
    phone: "555-555-5555",
    phoneCountryCode: "1",
    email: "a@example.com",
    ip: "127.0.0.1",
  }),
  ...overrides,
});

async function newCustomer() {
  const { customerId } = await bond.createCustomer({ firstName: "Ann", lastName: "Lee", dob: "1980-01-01", addresses: [] });
  return customerId;
}

describe("Bond client ↔ sandbox", () => {
  it("creates a customer and gets Bond's customer_id", async () => {
    expect(await newCustomer()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("maps Bond's kyc_post_schema 400 to per-field messages", async () => {
    const customerId = await newCustomer();
    const error = await bond
      .submitKyc(customerId, submission(customerId, { ssn: undefined as unknown as string }), "key-a")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(BondRequestError);
    expect(error).toMatchObject({ status: 400, code: "kyc_post_schema", fields: { ssn: ["Missing data for required field."] } });
  });

  it("maps a reused Idempotency-Key to Bond's 409 idempotency_key_exists", async () => {
    const customerId = await newCustomer();
    await bond.submitKyc(customerId, submission(customerId, { ssn: "000-00-0000" }), "key-b");
    const error = await bond.submitKyc(customerId, submission(customerId, { ssn: "000-00-0000" }), "key-b").catch((caught) => caught);
    expect(error).toMatchObject({ status: 409, code: "idempotency_key_exists" });
  });

  it("reads the earlier success's time from the already-passed refusal", async () => {
    const customerId = await newCustomer();
    await bond.submitKyc(customerId, submission(customerId), "key-c");
    await sandbox.idle();
    const error = await bond.submitKyc(customerId, submission(customerId), "key-d").catch((caught) => caught);
    expect(error).toBeInstanceOf(BondKycAlreadyPassedError);
    expect((error as BondKycAlreadyPassedError).passedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a customer update after a pass with kyc_customer", async () => {
    const customerId = await newCustomer();
    await bond.submitKyc(customerId, submission(customerId), "key-e");
    await sandbox.idle();
    await expect(bond.updateCustomer(customerId, { email: "b@example.com" })).rejects.toMatchObject({ code: "kyc_customer" });
  });

  it("reports wrong credentials as a 401 request error", async () => {
    const stranger = createBondClient({ baseUrl, identity: "id-1", authorization: "wrong", timeoutMs: 2000 });
    await expect(stranger.createCustomer({ firstName: "Ann", lastName: "Lee", dob: "1980-01-01", addresses: [] })).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
  });

  it("reports a closed port as unavailable", async () => {
    const nowhere = createBondClient({ baseUrl: "http://127.0.0.1:9/api/v0.1", identity: "i", authorization: "a", timeoutMs: 2000 });
    await expect(nowhere.createCustomer({ firstName: "Ann", lastName: "Lee", dob: "1980-01-01", addresses: [] })).rejects.toBeInstanceOf(
      BondUnavailableError,
    );
  });
});

describe("parseAlreadyPassed", () => {
  it("finds the timestamp in bodies shaped as Bond might send them", () => {
    expect(parseAlreadyPassed({ Code: "kyc_already_passed", kyc_passed_at: "2021-02-02T00:50:58Z" })?.toISOString()).toBe(
      "2021-02-02T00:50:58.000Z",
    );
    expect(
      parseAlreadyPassed({ Message: "KYC already passed at 2021-02-02-00:50:58.484840+00:00", Code: "kyc_customer" })?.toISOString(),
    ).toBe("2021-02-02T00:50:58.484Z");
    expect(parseAlreadyPassed({ Message: "Missing data", Code: "kyc_post_schema" })).toBeNull();
  });
});

describe("supporting documents", () => {
  const front = { fileName: "front.jpg", contentBase64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]).toString("base64") };
  const back = { fileName: "back.png", contentBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString("base64") };

  it("builds Bond's body with only the document sent", () => {
    const { upload } = validateKycDocumentUpload(
      {
        customerId: "a5bcf5a8-c4e0-4025-8183-5346176ee3db",
        governmentId: { type: "work_permit", country: "us", frontImage: front, backImage: back },
      },
      1024,
    );
    expect(kycDocumentBody(upload)).toEqual({
      government_id: {
        type: "work_permit",
        country: "US",
        front_image: { file_name: "front.jpg", image: front.contentBase64 },
        back_image: { file_name: "back.png", image: back.contentBase64 },
      },
    });
    const proof = validateKycDocumentUpload(
      { customerId: "a5bcf5a8-c4e0-4025-8183-5346176ee3db", proofOfAddress: { type: "property_tax_bill", file: front } },
      1024,
    ).upload;
    expect(kycDocumentBody(proof)).toEqual({
      proof_of_address: { type: "property_tax_bill", file_name: "front.jpg", image: front.contentBase64 },
    });
  });

  it("sends a document Bond asked for and reads num_documents_submitted; maps a refusal", async () => {
    const customerId = await newCustomer();
    const { upload } = validateKycDocumentUpload(
      { customerId, governmentId: { type: "passport", country: "US", frontImage: front } },
      1024,
    );
    const refused = await bond.uploadKycDocument(customerId, upload).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BondRequestError);
    expect(refused).toMatchObject({ status: 400, code: "kyc_documents" });
    await bond.submitKyc(customerId, submission(customerId, { ssn: "333-33-3333" }), `key-${customerId}`);
    await sandbox.idle();
    expect(await bond.uploadKycDocument(customerId, upload)).toEqual({ numDocumentsSubmitted: 1 });
  });
});
