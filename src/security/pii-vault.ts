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
  /** HMAC-SHA256 with the current key: equal inputs give equal fingerprints; without the key an SSN cannot be guessed from one. */
  fingerprint(material: string): string;
  /** The fingerprint under the current key, then under each previous key: a stored one matches if it is any of them. */
  fingerprints(material: string): string[];
}

interface DerivedKeys {
  id: string;
  encryption: Buffer;
  fingerprint: Buffer;
}

function deriveKeys(masterKey: Buffer): DerivedKeys {
  if (masterKey.length !== 32) throw new Error("The PII key must be 32 bytes.");
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `kyc-graphql/${purpose}`, 32));
  // A short public id of the key, stored with each sealed value, so a rotation knows which key opens it.
  return {
    id: derive("key-id").toString("hex").slice(0, 12),
    encryption: derive("pii-encryption"),
    fingerprint: derive("request-fingerprint"),
  };
}

/**
 * `masterKey` seals and fingerprints; `previousKeys` (during a rotation) only open what they sealed and
 * match fingerprints they made. Sealed values are `v2:<key id>:<base64 iv|tag|ciphertext>`; `v1:` values
 * (no key id, from before rotation support) are tried with every key.
 */
export function createPiiVault(masterKey: Buffer, previousKeys: Buffer[] = []): PiiVault {
  const current = deriveKeys(masterKey);
  const all = [current, ...previousKeys.map(deriveKeys)];
  const decrypt = (keys: DerivedKeys, data: Buffer): string => {
    const decipher = createDecipheriv("aes-256-gcm", keys.encryption, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8");
  };
  const hmac = (keys: DerivedKeys, material: string) => createHmac("sha256", keys.fingerprint).update(material).digest("hex");
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.encryption, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return `v2:${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
    },
    open<T>(sealed: string): T {
      const parts = sealed.split(":");
      if (parts[0] === "v2" && parts.length === 3) {
        const keys = all.find((candidate) => candidate.id === parts[1]);
        if (!keys) throw new Error(`Sealed with an unknown key (${parts[1]}): add it to PII_PREVIOUS_KEYS.`);
        return JSON.parse(decrypt(keys, Buffer.from(parts[2], "base64"))) as T;
      }
      if (parts[0] === "v1" && parts.length === 2) {
        const data = Buffer.from(parts[1], "base64");
        for (const keys of all) {
          try {
            return JSON.parse(decrypt(keys, data)) as T;
          } catch {
            /* not this key: the GCM tag did not verify */
          }
        }
        throw new Error("No configured key opens this sealed value.");
      }
      throw new Error("Unknown sealed-data format.");
    },
    fingerprint(material) {
      return hmac(current, material);
    },
    fingerprints(material) {
      return all.map((keys) => hmac(keys, material));
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
