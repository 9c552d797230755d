import { describe, expect, it } from "vitest";
import { bondSignature, bondSignatureHeader, verifyBondSignature } from "../../src/bond/webhook-signature.js";

const body = Buffer.from('{"customer_id":"x","kyc_status":"submitted"}');
const now = new Date("2026-01-01T00:00:00Z");
const t = Math.floor(now.getTime() / 1000);

describe("verifyBondSignature", () => {
  it("accepts a signature over {t}.{raw body}", () => {
    expect(
      verifyBondSignature({ header: bondSignatureHeader("s1", body, t), rawBody: body, secrets: ["s1"], toleranceSeconds: 300, now }),
    ).toEqual({ ok: true });
  });

  it("refuses a missing, malformed, wrong or stale signature", () => {
    const check = (header: string | undefined, rawBody = body) =>
      verifyBondSignature({ header, rawBody, secrets: ["s1"], toleranceSeconds: 300, now });
    expect(check(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(check("v1=abc")).toEqual({ ok: false, reason: "malformed" });
    expect(check(bondSignatureHeader("other", body, t))).toEqual({ ok: false, reason: "mismatch" });
    expect(check(bondSignatureHeader("s1", body, t), Buffer.from(body.toString().replace("x", "y")))).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(check(bondSignatureHeader("s1", body, t - 301))).toEqual({ ok: false, reason: "stale" });
  });

  it("accepts any v1 and any of several secrets (rotation)", () => {
    const header = `t=${t},v1=${"0".repeat(64)},v1=${bondSignature("new", t, body)}`;
    expect(verifyBondSignature({ header, rawBody: body, secrets: ["old", "new"], toleranceSeconds: 300, now })).toEqual({ ok: true });
  });
});
