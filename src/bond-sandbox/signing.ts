import { createHmac } from "node:crypto";

/**
 * How the sandbox signs a webhook, written from Bond's docs and not shared with our verifier
 * (src/bond/webhook-signature.ts): `Bond-Signature: t=<unix seconds>,v1=<hex>`, HMAC-SHA256 keyed with
 * the subscription's secret. Bond does not spell out the signed string; like our client, the sandbox
 * assumes Stripe's `"{t}.{raw body}"` unless told another template (`{t}` and `{body}` placeholders).
 * test/bond/known-answers.test.ts checks both against signatures computed by `openssl dgst`.
 */
export const SANDBOX_SIGNED_CONTENT = "{t}.{body}";

/** The bytes that are signed: the template with `{t}` replaced by the timestamp and `{body}` by the raw body. */
function bytesToSign(template: string, timestamp: number, rawBody: string): Buffer {
  const at = template.indexOf("{body}");
  const head = template.slice(0, at).split("{t}").join(String(timestamp));
  const tail = template
    .slice(at + "{body}".length)
    .split("{t}")
    .join(String(timestamp));
  return Buffer.concat([Buffer.from(head, "utf8"), Buffer.from(rawBody, "utf8"), Buffer.from(tail, "utf8")]);
}

/** The `v1` value: lower-case hex of HMAC-SHA256(secret, signed bytes). */
export function sandboxSignature(secret: string, timestamp: number, rawBody: string, template = SANDBOX_SIGNED_CONTENT): string {
  return createHmac("sha256", secret)
    .update(bytesToSign(template, timestamp, rawBody))
    .digest("hex");
}

/** The `Bond-Signature` header the sandbox sends. */
export function sandboxSignatureHeader(secret: string, timestamp: number, rawBody: string, template = SANDBOX_SIGNED_CONTENT): string {
  return `t=${timestamp},v1=${sandboxSignature(secret, timestamp, rawBody, template)}`;
}
