import { describe, expect, it } from "vitest";
import { verifyBondSignature } from "../../src/bond/webhook-signature.js";
import {
  useHarnessPerTest,
  SECRET,
  PROGRAM_ID,
  DAY_MS,
  MISSING,
  BOND_TIME,
  kycBody,
  h,
  createCustomer,
  submitKyc,
  passedCustomer,
  outcomesFor,
} from "./harness.js";

/** The embedded Bond sandbox over real HTTP: KYC submissions, status, simulations and documents. */
useHarnessPerTest();

describe("POST /customers/:id/verification-kyc", () => {
  it("answers 201 submitted and counts the accepted submission", async () => {
    const customerId = await createCustomer();
    const response = await submitKyc(customerId);
    expect(response).toEqual({ status: 201, body: { customer_id: customerId, program_id: PROGRAM_ID, kyc_status: "submitted" } });
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(1);
    expect(h.sandbox.kycSubmissionCount("someone-else")).toBe(0);
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body).toMatchObject({
      kyc_status: "submitted",
      kyc_passed_at: null,
    });
  });

  it("answers 400 kyc_post_schema for a missing SSN, in Bond's exact shape", async () => {
    const customerId = await createCustomer();
    const { ssn: _ssn, ...withoutSsn } = kycBody();
    const response = await submitKyc(customerId, withoutSsn);
    expect(response).toEqual({
      status: 400,
      body: { Message: { ssn: [MISSING] }, Status: 400, Code: "kyc_post_schema", Type: "Request Error" },
    });
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
    expect(response).toEqual({
      status: 404,
      body: { Message: "Customer not found", Status: 404, Code: "customer_dne", Type: "Request Error" },
    });
  });

  it("answers 409 idempotency_key_exists for a key reused within 24 h, without replaying the first answer", async () => {
    const customerId = await createCustomer();
    const key = { "Idempotency-Key": "attempt-1" };
    // 888-88-8888 times out, so the customer stays eligible for KYC.
    expect((await submitKyc(customerId, kycBody({ ssn: "888-88-8888" }), key)).status).toBe(201);
    const again = await submitKyc(customerId, kycBody({ ssn: "888-88-8888" }), key);
    expect(again).toEqual({
      status: 409,
      body: {
        type: "RESOURCE_CONFLICT",
        code: "idempotency_key_exists",
        message: "A request was made with this idempotency key in the past 24 hours",
      },
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
    expect(
      verifyBondSignature({
        header: last.headers["bond-signature"] as string,
        rawBody: last.rawBody,
        secrets: [SECRET],
        toleranceSeconds: 300,
        now: h.now(),
      }),
    ).toEqual({ ok: true });
  });

  it("answers 409 kyc_already_passed with the earlier success's time, before any other check", async () => {
    const customerId = await passedCustomer();
    const success = outcomesFor(customerId).find((body) => body.event === "kyc.verification.success")!;
    const passedAt = new Date(success.occurred_at.replace(/^(\d{4}-\d{2}-\d{2})-/, "$1T")).toISOString();
    const expected = {
      status: 409,
      body: {
        Message: "KYC has already passed for this customer.",
        Status: 409,
        Code: "kyc_already_passed",
        Type: "Request Error",
        kyc_passed_at: passedAt,
      },
    };
    expect(await submitKyc(customerId)).toEqual(expected);
    expect(await submitKyc(customerId, {})).toEqual(expected);
    expect(h.sandbox.kycSubmissionCount(customerId)).toBe(1);
    const status = await h.call("GET", `/customers/${customerId}/verification-kyc`);
    expect(status).toEqual({
      status: 200,
      body: { customer_id: customerId, kyc_status: "passed", kyc_passed_at: passedAt, documents: [], updated_at: passedAt },
    });
  });
});

describe("GET /customers/:id/verification-kyc", () => {
  it("is not_started before any submission and 404 for an unknown customer", async () => {
    const customerId = await createCustomer();
    expect(await h.call("GET", `/customers/${customerId}/verification-kyc`)).toEqual({
      status: 200,
      body: {
        customer_id: customerId,
        kyc_status: "not_started",
        kyc_passed_at: null,
        documents: [],
        updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      },
    });
    expect((await h.call("GET", "/customers/3f1d7a52-5a0e-4c1b-9d3e-000000000000/verification-kyc")).body.Code).toBe("customer_dne");
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
    expect(outcomesFor(customerId).at(-1)).toEqual({
      event: "kyc.verification.success",
      customer_id: customerId,
      occurred_at: expect.stringMatching(BOND_TIME),
    });
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body).toMatchObject({
      kyc_status: "passed",
      kyc_passed_at: expect.any(String),
    });
  });

  it("POST /simulate/kyc-fail sends a failure with default or given reasons", async () => {
    const customerId = await underReviewCustomer();
    expect((await h.call("POST", "/simulate/kyc-fail", { customer_id: customerId })).body).toEqual({
      customer_id: customerId,
      event: "kyc.verification.failure",
    });
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
    expect(outcomesFor(customerId).at(-1)).toEqual({
      event,
      customer_id: customerId,
      occurred_at: expect.stringMatching(BOND_TIME),
      ...extra,
    });
    expect((await h.call("GET", `/customers/${customerId}/verification-kyc`)).body.kyc_status).toBe(status);
  });

  it("answers 404 for an unknown customer and 400 in Bond's shape for a bad body", async () => {
    const unknown = await h.call("POST", "/simulate/kyc-pass", { customer_id: "3f1d7a52-5a0e-4c1b-9d3e-000000000000" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.Code).toBe("customer_dne");
    const bad = await h.call("POST", "/simulate/kyc-event", { customer_id: "not-a-uuid", event: "kyc.verification.party" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      Status: 400,
      Type: "Request Error",
      Message: { customer_id: [expect.any(String)], event: [expect.any(String)] },
    });
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
    expect(
      outcomesFor(customerId)
        .slice(-2)
        .map((body) => body.event),
    ).toEqual(["kyc.verification.under_review", "kyc.verification.success"]);
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
    const bad = await upload(customerId, {
      government_id: { type: "work_permit", country: "USA", front_image: { file_name: "front.gif", image: "***" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.Code).toBe("kyc_documents_schema");
    expect(Object.keys(bad.body.Message).sort()).toEqual([
      "government_id.back_image",
      "government_id.country",
      "government_id.front_image.file_name",
      "government_id.front_image.image",
    ]);
    expect((await upload(customerId, {})).body.Message).toEqual({ _schema: ["Send at least one document."] });
  });
});
