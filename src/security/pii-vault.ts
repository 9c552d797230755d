import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Encryption at rest for personal data we must keep briefly (a KYC submission until Bond acknowledges
 * it) and keyed fingerprints for comparing requests without storing what they contain.
 * One 32-byte master key; separate keys are derived for each use so one never doubles as the other.
 */
export interface PiiVault {
  seal(value: unknown): string;
  open<T>(sealed: string): T;
  /** HMAC-SHA256: equal inputs give equal fingerprints; without the key an SSN cannot be guessed from one. */
  fingerprint(material: string): string;
}

const SEAL_VERSION = "v1";

export function createPiiVault(masterKey: Buffer): PiiVault {
  if (masterKey.length !== 32) throw new Error("The PII key must be 32 bytes.");
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `kyc-graphql/${purpose}`, 32));
  const encryptionKey = derive("pii-encryption");
  const fingerprintKey = derive("request-fingerprint");
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return `${SEAL_VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
    },
    open<T>(sealed: string): T {
      const [version, encoded] = sealed.split(":", 2);
      if (version !== SEAL_VERSION || !encoded) throw new Error("Unknown sealed-data format.");
      const data = Buffer.from(encoded, "base64");
      const decipher = createDecipheriv("aes-256-gcm", encryptionKey, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8")) as T;
    },
    fingerprint(material) {
      return createHmac("sha256", fingerprintKey).update(material).digest("hex");
    },
  };
}

/**
 * The key to use when none is configured (development only): kept in the data directory so fingerprints
 * and sealed data survive a restart, or random for an in-memory run. Production refuses to start without
 * PII_KEY (see config).
 */
export function developmentPiiKey(dataDir: string | null): { key: Buffer; source: string } {
  if (dataDir === null) return { key: randomBytes(32), source: "a random in-memory key" };
  const file = join(dataDir, "dev-pii.key");
  if (existsSync(file)) return { key: Buffer.from(readFileSync(file, "utf8").trim(), "base64"), source: file };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64"), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, source: `${file} (new)` };
}
