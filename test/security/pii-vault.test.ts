import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPiiVault } from "../../src/security/pii-vault.js";

const submission = { ssn: "521-44-7318", email: "jane@example.com" };

describe("PiiVault", () => {
  it("seals with AES-256-GCM: the output holds no clear text, differs each time, and opens to the input", () => {
    const vault = createPiiVault(randomBytes(32));
    const a = vault.seal(submission);
    const b = vault.seal(submission);
    expect(a).not.toBe(b);
    expect(a).not.toContain("7318");
    expect(a).toMatch(/^v2:[0-9a-f]{12}:[A-Za-z0-9+/=]+$/);
    expect(vault.open(a)).toEqual(submission);
  });

  it("refuses a tampered value (GCM tag) and a value sealed with a key it does not have", () => {
    const vault = createPiiVault(randomBytes(32));
    const sealed = vault.seal(submission);
    const bytes = Buffer.from(sealed.split(":")[2], "base64");
    bytes[bytes.length - 1] ^= 1;
    expect(() => vault.open(`${sealed.split(":").slice(0, 2).join(":")}:${bytes.toString("base64")}`)).toThrow();
    expect(() => createPiiVault(randomBytes(32)).open(sealed)).toThrow(/unknown key/);
  });

  it("supports key rotation: values sealed and fingerprints made under the previous key still work", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = createPiiVault(oldKey);
    const sealed = before.seal(submission);
    const fingerprint = before.fingerprint("material");
    const after = createPiiVault(newKey, [oldKey]);
    expect(after.open(sealed)).toEqual(submission);
    expect(after.fingerprints("material")).toContain(fingerprint);
    expect(after.fingerprint("material")).not.toBe(fingerprint);
    // New values use the new key only: the old vault cannot open them.
    expect(() => before.open(after.seal(submission))).toThrow();
    // Once the old key is dropped, its values no longer open.
    expect(() => createPiiVault(newKey).open(sealed)).toThrow();
  });
});
