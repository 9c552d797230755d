import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bondSignature, verifyBondSignature } from "../../src/bond/webhook-signature.js";
import { sandboxSignature, sandboxSignatureHeader } from "../../src/bond-sandbox/signing.js";

/**
 * Signatures computed outside our code (`openssl dgst -sha256 -hmac`, the command is in the fixture),
 * checked against both our verifier and the sandbox's signer. If either drifts (or both drift the same
 * way, which no round-trip test between them could see), these fail.
 */
interface KnownAnswer {
  name: string;
  secret: string;
  t: number;
  body: string;
  expected_v1: string;
  header: string;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/bond-signatures.json", import.meta.url), "utf8")) as {
  command: string;
  cases: KnownAnswer[];
};

describe("Bond-Signature known answers (openssl)", () => {
  it("records how the answers were computed", () => {
    expect(fixture.command).toContain("openssl dgst -sha256 -hmac");
    expect(fixture.cases.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(fixture.cases.map((answer) => [answer.name, answer] as const))("%s", (_name, answer) => {
    const rawBody = Buffer.from(answer.body, "utf8");
    const at = new Date(answer.t * 1000);

    it("our verifier accepts the openssl signature", () => {
      expect(bondSignature(answer.secret, answer.t, rawBody)).toBe(answer.expected_v1);
      expect(verifyBondSignature({ header: answer.header, rawBody, secrets: [answer.secret], toleranceSeconds: 300, now: at })).toEqual({
        ok: true,
      });
    });

    it("our verifier refuses it for another byte, another t or another secret", () => {
      const check = (header: string, body: Buffer, secret: string) =>
        verifyBondSignature({ header, rawBody: body, secrets: [secret], toleranceSeconds: 300, now: at });
      expect(check(answer.header, Buffer.concat([rawBody, Buffer.from(" ")]), answer.secret)).toEqual({ ok: false, reason: "mismatch" });
      expect(check(`t=${answer.t + 1},v1=${answer.expected_v1}`, rawBody, answer.secret)).toEqual({ ok: false, reason: "mismatch" });
      expect(check(answer.header, rawBody, `${answer.secret}x`)).toEqual({ ok: false, reason: "mismatch" });
    });

    it("the sandbox's signer produces the openssl signature", () => {
      expect(sandboxSignature(answer.secret, answer.t, answer.body)).toBe(answer.expected_v1);
      expect(sandboxSignatureHeader(answer.secret, answer.t, answer.body)).toBe(answer.header);
    });
  });
});
