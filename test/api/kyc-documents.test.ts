import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KycEventsDocument, SubmitKycDocument, UploadKycDocumentDocument, type UploadKycDocumentInput } from "../gql/graphql.js";
import { createCustomer, customerOf, kycInput, waitForKycStatus } from "../support/fixtures.js";
import { base64, GIF_BYTES, JPEG_BYTES, jpegFile, pdfFile, pngFile, PNG_BYTES } from "../support/kyc-files.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** A cap above the default 256 KB body limit, so both limits can be seen at work. */
const MAX_FILE_BYTES = 400_000;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ KYC_DOCUMENT_MAX_BYTES: String(MAX_FILE_BYTES) });
});
afterAll(async () => {
  await app?.close();
});

const documentCalls = (customerId: string) =>
  app.bondSandbox!.requests.filter((request) => request.path.endsWith("/verification-kyc/documents") && request.customerId === customerId);

/** A customer Bond has asked for documents (the SSN picks which, see the sandbox table). */
async function customerAskedForDocuments(ssn: string): Promise<string> {
  const customerId = await createCustomer(app);
  await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { ssn }) });
  await waitForKycStatus(app, customerId, "DOCUMENT_REQUIRED");
  return customerId;
}

const governmentId = (customerId: string): UploadKycDocumentInput => ({
  customerId,
  governmentId: { type: "drivers_license", country: "US", frontImage: jpegFile("license.jpg") },
});

describe("uploadKycDocument", () => {
  it("sends each document Bond asked for; the list shrinks; then Bond reviews and decides", async () => {
    const customerId = await customerAskedForDocuments("444-44-4444");
    expect((await customerOf(app, customerId))?.kycDocumentsRequired).toEqual([
      "government_id",
      "proof_of_address",
      "social_security_card",
    ]);

    const first = await app.graphql(UploadKycDocumentDocument, {
      input: {
        customerId,
        governmentId: {
          type: "work_permit",
          country: "us",
          frontImage: jpegFile("permit-front.jpg"),
          backImage: pngFile("permit-back.png"),
        },
      },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data?.uploadKycDocument).toEqual({
      customerId,
      document: "government_id",
      numDocumentsSubmitted: 1,
      customer: { id: customerId, kycStatus: "DOCUMENT_REQUIRED", kycDocumentsRequired: ["proof_of_address", "social_security_card"] },
    });
    const second = await app.graphql(UploadKycDocumentDocument, {
      input: { customerId, proofOfAddress: { type: "utility_bill", file: pdfFile("bill.pdf") } },
    });
    expect(second.data?.uploadKycDocument.customer.kycDocumentsRequired).toEqual(["social_security_card"]);
    const third = await app.graphql(UploadKycDocumentDocument, {
      input: { customerId, socialSecurityCard: { file: jpegFile("card.jpeg") } },
    });
    expect(third.data?.uploadKycDocument.customer.kycDocumentsRequired).toEqual([]);
    expect(documentCalls(customerId).map((call) => call.status)).toEqual([200, 200, 200]);

    await waitForKycStatus(app, customerId, "PASSED");
    const events = (await app.graphql(KycEventsDocument, { customerId })).data!.kycEvents.map((event) => event.event);
    expect(events).toEqual([
      "kyc.submitted",
      "kyc.verification.document_required",
      "kyc.verification.under_review",
      "kyc.verification.success",
    ]);
  });

  it("refuses a document Bond did not ask for, without calling Bond", async () => {
    const customerId = await customerAskedForDocuments("333-33-3333"); // government id only
    const result = await app.graphql(UploadKycDocumentDocument, {
      input: { customerId, proofOfAddress: { type: "utility_bill", file: pdfFile() } },
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: "DOCUMENT_NOT_REQUIRED",
      status: "DOCUMENT_REQUIRED",
      documentsRequired: ["government_id"],
    });
    expect(documentCalls(customerId)).toHaveLength(0);
  });

  it("refuses a document already accepted", async () => {
    const customerId = await customerAskedForDocuments("222-22-2222"); // government id + proof of address
    expect((await app.graphql(UploadKycDocumentDocument, { input: governmentId(customerId) })).errors).toBeUndefined();
    const again = await app.graphql(UploadKycDocumentDocument, { input: governmentId(customerId) });
    expect(again.errors?.[0].extensions).toMatchObject({ code: "DOCUMENT_NOT_REQUIRED", documentsRequired: ["proof_of_address"] });
    expect(documentCalls(customerId)).toHaveLength(1);
  });

  it("refuses uploads when no documents are required, and for unknown customers", async () => {
    const customerId = await createCustomer(app);
    const notRequired = await app.graphql(UploadKycDocumentDocument, { input: governmentId(customerId) });
    expect(notRequired.errors?.[0].extensions).toEqual({ code: "DOCUMENT_NOT_REQUIRED", status: "NOT_STARTED", documentsRequired: [] });
    const unknown = await app.graphql(UploadKycDocumentDocument, { input: governmentId("6f1c1a7e-9a43-4c55-9d0e-1d1f5c1b2a3c") });
    expect(unknown.errors?.[0].extensions?.code).toBe("CUSTOMER_NOT_FOUND");
    expect(documentCalls(customerId)).toHaveLength(0);
  });

  it.each([
    ["content that is not the named type", { fileName: "license.jpg", contentBase64: base64(PNG_BYTES()) }, "content is PNG"],
    ["a type Bond does not accept", { fileName: "license.gif", contentBase64: base64(GIF_BYTES()) }, "Only .jpg"],
    ["content that is no accepted type", { fileName: "license.jpg", contentBase64: base64(GIF_BYTES()) }, "not a JPEG, PNG, HEIC or PDF"],
    ["invalid base64", { fileName: "license.jpg", contentBase64: "%%%" }, "not valid base64"],
    [
      "a file over the cap",
      { fileName: "license.jpg", contentBase64: base64(JPEG_BYTES(MAX_FILE_BYTES + 10)) },
      "larger than the 400000-byte limit",
    ],
  ])("refuses %s with BAD_USER_INPUT, without calling Bond", async (_what, frontImage, message) => {
    const customerId = await customerAskedForDocuments("333-33-3333");
    const result = await app.graphql(UploadKycDocumentDocument, {
      input: { customerId, governmentId: { type: "passport", country: "US", frontImage } },
    });
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(String((result.errors?.[0].extensions?.fields as Record<string, string[]>)["governmentId.frontImage"])).toContain(message);
    expect(documentCalls(customerId)).toHaveLength(0);
    expect((await customerOf(app, customerId))?.kycDocumentsRequired).toEqual(["government_id"]);
  });

  it("requires the back image where Bond needs one", async () => {
    const customerId = await customerAskedForDocuments("333-33-3333");
    const result = await app.graphql(UploadKycDocumentDocument, {
      input: { customerId, governmentId: { type: "passport_card", country: "US", frontImage: jpegFile() } },
    });
    expect(result.errors?.[0].extensions?.fields).toEqual({ "governmentId.backImage": ["Required for passport_card."] });
  });

  it("takes a large body only from an authenticated caller, and only for an upload", async () => {
    const customerId = await customerAskedForDocuments("333-33-3333");
    const input = { customerId, governmentId: { type: "passport", country: "US", frontImage: jpegFile("big.jpg", 300_000) } };
    const query = "mutation($input: UploadKycDocumentInput!) { uploadKycDocument(input: $input) { document } }";
    const body = JSON.stringify({ query, variables: { input } });
    expect(body.length).toBeGreaterThan(256 * 1024);
    const anonymous = await fetch(app.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(anonymous.status).toBe(413);
    expect(await anonymous.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const authenticated = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await app.asService()) },
      body,
    });
    expect(await authenticated.json()).toEqual({ data: { uploadKycDocument: { document: "government_id" } } });
    // The larger limit is for uploads only: any other operation that big is refused, token or not.
    const notAnUpload = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(300 * 1024) } });
    const padded = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await app.asService()) },
      body: notAnUpload,
    });
    expect(padded.status).toBe(413);
  });

  it("lets a customer upload for themselves only", async () => {
    const customerId = await customerAskedForDocuments("333-33-3333");
    const other = await createCustomer(app);
    const forbidden = await app.graphql(UploadKycDocumentDocument, { input: governmentId(customerId) }, await app.asCustomer(other));
    expect(forbidden.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const own = await app.graphql(UploadKycDocumentDocument, { input: governmentId(customerId) }, await app.asCustomer(customerId));
    expect(own.errors).toBeUndefined();
  });

  it("keeps no file: not in the database, not in the logs", async () => {
    const customerId = await customerAskedForDocuments("333-33-3333");
    const marker = Buffer.concat([JPEG_BYTES(16), Buffer.from("UNIQUE-DOCUMENT-MARKER-7f3a")]);
    const content = base64(marker);
    const result = await app.graphql(UploadKycDocumentDocument, {
      input: {
        customerId,
        governmentId: { type: "passport", country: "US", frontImage: { fileName: "passport.jpg", contentBase64: content } },
      },
    });
    expect(result.errors).toBeUndefined();
    await waitForKycStatus(app, customerId, "PASSED");
    const stored: string[] = [];
    for (const table of ["customers", "kyc_attempts", "kyc_events"]) {
      const rows = await app.database.db.execute(sql.raw(`select row_to_json(t)::text as row from ${table} t`));
      stored.push(JSON.stringify(Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows));
    }
    for (const haystack of [stored.join("\n"), app.logs.join("")]) {
      expect(haystack).not.toContain(content.slice(8, 40));
      expect(haystack).not.toContain("UNIQUE-DOCUMENT-MARKER");
    }
    expect(app.logs.join("")).toContain("KYC document forwarded to Bond");
  });
});
