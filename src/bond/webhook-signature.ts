import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

/** Our assumption of the signed string (Stripe's convention); WEBHOOK_SIGNED_CONTENT changes it. */
export const DEFAULT_SIGNED_CONTENT = "{t}.{body}";

/**
 * Bond signs webhooks with `Bond-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 keyed
 * with the secret issued for the webhook subscription. Bond's docs do not spell out the signed string;
 * we assume `"{t}.{raw body}"`. This function is the one place that assumption lives: `template` names
 * where the timestamp and the raw body bytes go (the body is used byte for byte, never re-encoded).
 */
export function signedContent(timestamp: number, rawBody: Buffer | string, template = DEFAULT_SIGNED_CONTENT): Buffer {
  const [before, after = ""] = template.split("{body}", 2);
  const fill = (part: string) => Buffer.from(part.replaceAll("{t}", String(timestamp)), "utf8");
  return Buffer.concat([fill(before), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody), fill(after)]);
}

export function bondSignature(secret: string, timestamp: number, rawBody: Buffer | string, template = DEFAULT_SIGNED_CONTENT): string {
  return createHmac("sha256", secret)
    .update(signedContent(timestamp, rawBody, template))
    .digest("hex");
}

/** The header value the embedded sandbox sends (and tests use to sign fixtures). */
export function bondSignatureHeader(
  secret: string,
  rawBody: Buffer | string,
  timestamp = Math.floor(Date.now() / 1000),
  template = DEFAULT_SIGNED_CONTENT,
): string {
  return `t=${timestamp},v1=${bondSignature(secret, timestamp, rawBody, template)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

/**
 * Checks a `Bond-Signature` header against the raw body: any `v1` may match any of the secrets (so a
 * secret can be rotated), compared in constant time, and the timestamp must be within `toleranceSeconds`
 * of `now` (stops replays of captured requests).
 */
export function verifyBondSignature(options: {
  header: string | undefined;
  rawBody: Buffer;
  secrets: string[];
  toleranceSeconds: number;
  now?: Date;
  template?: string;
}): SignatureCheck {
  const { header, rawBody, secrets, toleranceSeconds, template } = options;
  if (!header) return { ok: false, reason: "missing" };
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value && /^[0-9a-f]{64}$/i.test(value)) candidates.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: "malformed" };
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "stale" };
  let matched = false;
  const [before, after = ""] = (template ?? DEFAULT_SIGNED_CONTENT).split("{body}", 2);
  const prefix = before.replaceAll("{t}", String(timestamp));
  const suffix = after.replaceAll("{t}", String(timestamp));
  for (const secret of secrets) {
    // The same bytes as `signedContent`, fed to the HMAC in parts (no copy of the body), with the key imported once.
    const expected = createHmac("sha256", secretKey(secret)).update(prefix, "utf8").update(rawBody).update(suffix, "utf8").digest();
    // Compare against every candidate without stopping early, so timing says nothing about which matched.
    for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: "mismatch" };
}

/** Each secret's key, imported once (createHmac would import a string key on every webhook). Secrets are few: the configured ones. */
const secretKeys = new Map<string, KeyObject>();

function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    if (secretKeys.size < 16) secretKeys.set(secret, key);
  }
  return key;
}
