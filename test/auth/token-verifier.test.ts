import { describe, expect, it } from "vitest";
import { createTokenVerifier, signToken } from "../../src/auth/token-verifier.js";

// The verifier caches tokens it has verified (issue 13: no per-request key work); these tests pin what the
// cache must never change: expiry is checked on every use, and a token differing by one byte is verified.
const secret = "a-test-secret-that-is-at-least-32-bytes-long";
const customerId = "7d1f4c1e-2a8b-4c39-9b7e-0d6f1c2a3b4c";

function verifierAt(time: { now: Date }) {
  return createTokenVerifier({
    secret,
    issuer: "kyc-graphql",
    audience: "kyc-graphql",
    serviceScope: "kyc:service",
    clockToleranceSeconds: 5,
    clock: () => time.now,
  });
}

describe("token verifier with its cache of verified tokens", () => {
  it("refuses a cached token once it has expired", async () => {
    const time = { now: new Date("2026-12-03T10:00:00Z") };
    const verify = verifierAt(time);
    const token = await signToken({ secret, issuer: "kyc-graphql", audience: "kyc-graphql" }, { sub: customerId }, 60, time.now);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ kind: "customer", customerId });
    expect(await verify(`Bearer ${token}`)).toMatchObject({ kind: "customer", customerId });
    time.now = new Date("2026-12-03T10:01:04Z"); // within the 5 s tolerance
    expect(await verify(`Bearer ${token}`)).toMatchObject({ kind: "customer" });
    time.now = new Date("2026-12-03T10:01:06Z");
    expect(await verify(`Bearer ${token}`)).toEqual({ kind: "anonymous", reason: "the token has expired" });
  });

  it("verifies a token that differs from a cached one in its signature", async () => {
    const time = { now: new Date() };
    const verify = verifierAt(time);
    const token = await signToken({ secret, issuer: "kyc-graphql", audience: "kyc-graphql" }, { sub: customerId }, 600, time.now);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ kind: "customer" });
    // Change a character in the middle of the signature (the last one may only carry padding bits).
    const at = token.lastIndexOf(".") + 10;
    const forged = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    expect(await verify(`Bearer ${forged}`)).toMatchObject({ kind: "anonymous" });
    const otherSubject = await signToken(
      { secret: "another-secret-of-at-least-32-bytes-long!!", issuer: "kyc-graphql", audience: "kyc-graphql" },
      { sub: customerId },
      600,
      time.now,
    );
    expect(await verify(`Bearer ${otherSubject}`)).toEqual({ kind: "anonymous", reason: "the token's signature does not verify" });
  });

  it("does not cache refusals: a token used before its time is accepted once it is valid", async () => {
    const time = { now: new Date("2026-12-03T10:00:00Z") };
    const verify = verifierAt(time);
    const token = await signToken(
      { secret, issuer: "kyc-graphql", audience: "kyc-graphql" },
      { sub: customerId },
      60,
      new Date("2026-12-03T09:00:00Z"),
    );
    expect(await verify(`Bearer ${token}`)).toEqual({ kind: "anonymous", reason: "the token has expired" });
    time.now = new Date("2026-12-03T09:00:30Z");
    expect(await verify(`Bearer ${token}`)).toMatchObject({ kind: "customer" });
  });
});
