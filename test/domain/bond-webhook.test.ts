import { describe, expect, it } from "vitest";
import {
  bondEventIdentity,
  formatMicros,
  parseBondTimeMicros,
  parseBondTimestamp,
  parseBondWebhook,
  publicEventDetails,
  UnsupportedBondEvent,
} from "../../src/domain/bond-webhook.js";
import { ValidationFailed } from "../../src/domain/errors.js";

const customerId = "a5bcf5a8-c4e0-4025-8183-5346176ee3db";

describe("parseBondWebhook", () => {
  it("reads Bond's submitted webhook (no event, no time)", () => {
    expect(parseBondWebhook({ customer_id: customerId, kyc_status: "submitted" })).toMatchObject({
      event: "kyc.submitted",
      customerId,
      occurredAt: null,
    });
  });

  it("reads an outcome with Bond's documented timestamp format", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.success",
      customer_id: customerId,
      occurred_at: "2021-02-02-00:50:58.484840+00:00",
    });
    expect(event.occurredAt?.toISOString()).toBe("2021-02-02T00:50:58.484Z");
  });

  it("keeps the documents Bond asks for", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.document_required",
      customer_id: customerId,
      occurred_at: "2026-01-01T00:00:00Z",
      documents: ["government_id"],
    });
    expect(event.documents).toEqual(["government_id"]);
  });

  it("drops personal data from the stored payload", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: "2026-01-01T00:00:00Z",
      ssn: "123-45-6789",
      details: { email: "a@b.c" },
    });
    expect(JSON.stringify(event.payload)).not.toMatch(/123-45-6789|a@b\.c/);
  });

  it("rejects malformed bodies with per-field messages", () => {
    for (const body of [
      null,
      [],
      "x",
      {},
      { event: "kyc.verification.success" },
      { event: "kyc.verification.success", customer_id: "nope", occurred_at: "2026-01-01T00:00:00Z" },
      { event: "kyc.verification.success", customer_id: customerId, occurred_at: "yesterday" },
      { customer_id: customerId, kyc_status: "approved" },
    ]) {
      expect(() => parseBondWebhook(body), JSON.stringify(body)).toThrow(ValidationFailed);
    }
  });

  it("refuses a document_required event without documents", () => {
    expect(() =>
      parseBondWebhook({ event: "kyc.verification.document_required", customer_id: customerId, occurred_at: "2026-01-01T00:00:00Z" }),
    ).toThrow(ValidationFailed);
  });

  it("refuses events it does not handle", () => {
    expect(() => parseBondWebhook({ event: "card.created", customer_id: customerId, occurred_at: "2026-01-01T00:00:00Z" })).toThrow(
      UnsupportedBondEvent,
    );
  });
});

describe("bondEventIdentity", () => {
  it("is the same for two deliveries of one event and differs by time", () => {
    const a = parseBondWebhook({
      event: "kyc.verification.success",
      customer_id: customerId,
      occurred_at: "2021-02-02-00:50:58.484840+00:00",
    });
    const b = parseBondWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: "2021-02-02T00:50:58.484840Z" });
    const c = parseBondWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: "2021-02-02T00:50:59Z" });
    expect(bondEventIdentity(a, 1)).toBe(bondEventIdentity(b, 1));
    expect(bondEventIdentity(a, 1)).not.toBe(bondEventIdentity(c, 1));
  });
  it("tells apart two events in the same millisecond (Bond's six fractional digits)", () => {
    const a = parseBondWebhook({
      event: "kyc.verification.under_review",
      customer_id: customerId,
      occurred_at: "2021-02-02-00:50:58.484840+00:00",
    });
    const b = parseBondWebhook({
      event: "kyc.verification.under_review",
      customer_id: customerId,
      occurred_at: "2021-02-02-00:50:58.484841+00:00",
    });
    expect(a.occurredAt).toEqual(b.occurredAt); // a Date cannot tell them apart
    expect(b.occurredAtMicros! - a.occurredAtMicros!).toBe(1);
    expect(bondEventIdentity(a, 1)).not.toBe(bondEventIdentity(b, 1));
  });
  it("makes Bond's timeless submitted webhook a new event in each round", () => {
    const submitted = parseBondWebhook({ customer_id: customerId, kyc_status: "submitted" });
    expect(bondEventIdentity(submitted, 1)).toBe(bondEventIdentity(submitted, 1));
    expect(bondEventIdentity(submitted, 2)).not.toBe(bondEventIdentity(submitted, 1));
  });
});

describe("parseBondTimeMicros", () => {
  it("keeps every digit Bond writes, in any offset", () => {
    expect(parseBondTimeMicros("2021-02-02-00:50:58.484840+00:00")).toBe(Date.UTC(2021, 1, 2, 0, 50, 58) * 1000 + 484840);
    expect(parseBondTimeMicros("2021-02-02T02:50:58.484841+02:00")).toBe(Date.UTC(2021, 1, 2, 0, 50, 58) * 1000 + 484841);
    expect(parseBondTimeMicros("2021-02-02T00:50:58Z")).toBe(Date.UTC(2021, 1, 2, 0, 50, 58) * 1000);
    expect(parseBondTimeMicros("2021-02-02T00:50:58.1234567Z")).toBe(Date.UTC(2021, 1, 2, 0, 50, 58) * 1000 + 123456);
    expect(parseBondTimeMicros("tomorrow")).toBeNull();
    expect(formatMicros(Date.UTC(2021, 1, 2, 0, 50, 58) * 1000 + 484840)).toBe("2021-02-02T00:50:58.484840Z");
  });
});

describe("parseBondTimestamp", () => {
  it("rejects what is not a timestamp", () => {
    expect(parseBondTimestamp("2021-13-45-99:99:99")).toBeNull();
    expect(parseBondTimestamp("tomorrow")).toBeNull();
  });
});

describe("outcome details", () => {
  const at = "2026-01-01T00:00:00Z";
  it("reads failure reasons leniently", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: at,
      reasons: { ofac: "passed", bureau: "FAILED", mobile: 3, shoe_size: "failed" },
    });
    expect(event.failureReasons).toEqual({ ofac: "passed", bureau: "failed" });
    expect(parseBondWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: at }).failureReasons).toBeNull();
    expect(
      parseBondWebhook({ event: "kyc.verification.failure", customer_id: customerId, occurred_at: at, reasons: "bad" }).failureReasons,
    ).toBeNull();
  });

  it("keeps field names only from incorrect_information", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.reenter_information",
      customer_id: customerId,
      occurred_at: at,
      incorrect_information: ["phone", "addresses.0.zip_code", "555-111-2222", 7],
    });
    expect(event.incorrectInformation).toEqual(["phone", "addresses.0.zip_code"]);
  });

  it("shows operators an allow-list of the stored payload", () => {
    const details = publicEventDetails({
      event: "kyc.verification.failure",
      documents: ["government_id", "selfie"],
      reasons: { ip: "failed" },
      incorrect_information: ["email"],
      nickname: "Janie",
    });
    expect(details).toEqual({ documents: ["government_id"], failureReasons: { ip: "failed" }, incorrectInformation: ["email"] });
  });
});

describe("stored payload of a failure", () => {
  it("keeps every check result, including ip and email (results, not addresses)", () => {
    const event = parseBondWebhook({
      event: "kyc.verification.failure",
      customer_id: customerId,
      occurred_at: "2026-01-01T00:00:00Z",
      reasons: { ip: "failed", email: "passed", extra: "x@y.z" },
    });
    expect(event.payload.reasons).toEqual({ ip: "failed", email: "passed" });
  });
});
