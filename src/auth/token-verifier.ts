import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { webcrypto } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Viewer } from "../domain/access.js";
import { isUuid } from "../domain/validation.js";

export interface TokenSettings {
  /** HS256 shared secret (at least 32 bytes). */
  secret?: string;
  /** JWKS URL of an identity provider (RS256/ES256/EdDSA keys, fetched and cached by jose). */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** The `scope` value that makes a token a service token. */
  serviceScope: string;
  clockToleranceSeconds: number;
  /** The time tokens are checked against (injectable for tests). */
  clock?: () => Date;
}

/** Turns an `Authorization` header value (or a graphql-ws `connection_init` one) into a Viewer. */
export type TokenVerifier = (authorization: unknown) => Promise<Viewer>;

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key matches the token";
  return "the token is not a valid JWT";
}

function scopesOf(payload: JWTPayload): string[] {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((value): value is string => typeof value === "string");
  return [];
}

/** What a verified token's claims allow: a service scope wins; otherwise the subject must be a customer id. */
export function viewerFromClaims(payload: JWTPayload, serviceScope: string): Viewer {
  const subject = typeof payload.sub === "string" ? payload.sub : "";
  const expiresAt = typeof payload.exp === "number" ? new Date(payload.exp * 1000) : null;
  if (scopesOf(payload).includes(serviceScope)) return { kind: "service", subject: subject || "service", expiresAt };
  if (isUuid(subject)) return { kind: "customer", customerId: subject.toLowerCase(), subject, expiresAt };
  return { kind: "anonymous", reason: "the token is neither a service token nor for a customer id" };
}

/**
 * JWT verification with jose: signature (HS256 secret or the provider's JWKS), issuer, audience and
 * expiry (required) are all checked; any failure yields an anonymous viewer with the reason.
 */
export function createTokenVerifier(settings: TokenSettings): TokenVerifier {
  const algorithms = settings.jwksUrl ? ASYMMETRIC : ["HS256"];
  // The HS256 secret is imported into a CryptoKey once: handing jose the raw bytes makes it import the
  // key again on every request (a profile showed jose at 12% of a query's CPU).
  const key: Promise<webcrypto.CryptoKey> | JWTVerifyGetKey = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : webcrypto.subtle.importKey("raw", new TextEncoder().encode(settings.secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // A token already verified is not verified again until it expires: the signature, issuer and audience
  // of the same bytes cannot change, only the time can, and that is checked on every hit. Only successes
  // are cached, keyed by the whole token, so a forged variant of a cached token is always verified.
  const verified = new LRUCache<string, { viewer: Viewer; expiresAtMs: number }>({ max: 10_000 });
  const now = () => (settings.clock ? settings.clock() : new Date()).getTime();
  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === "")
      return { kind: "anonymous", reason: "no bearer token was sent" };
    const match = typeof authorization === "string" ? /^Bearer\s+([A-Za-z0-9_.-]{1,8192})$/i.exec(authorization.trim()) : null;
    if (!match) return { kind: "anonymous", reason: "the authorization value is not `Bearer <token>`" };
    const token = match[1];
    const hit = verified.get(token);
    if (hit) {
      if (now() <= hit.expiresAtMs + settings.clockToleranceSeconds * 1000) return hit.viewer;
      verified.delete(token);
      return { kind: "anonymous", reason: "the token has expired" };
    }
    try {
      const options = {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms,
        requiredClaims: ["exp"],
        clockTolerance: settings.clockToleranceSeconds,
        currentDate: settings.clock?.(),
      };
      const { payload } = typeof key === "function" ? await jwtVerify(token, key, options) : await jwtVerify(token, await key, options);
      const viewer = viewerFromClaims(payload, settings.serviceScope);
      if (viewer.kind !== "anonymous") verified.set(token, { viewer, expiresAtMs: payload.exp! * 1000 });
      return viewer;
    } catch (error) {
      return { kind: "anonymous", reason: describeFailure(error) };
    }
  };
}

/** Signs an HS256 token (the development service token; tests' tokens). */
export async function signToken(
  settings: Pick<TokenSettings, "issuer" | "audience"> & { secret: string },
  claims: { sub: string; scope?: string },
  expiresInSeconds: number,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT(claims.scope ? { scope: claims.scope } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresInSeconds)
    .sign(new TextEncoder().encode(settings.secret));
}
