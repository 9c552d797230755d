/**
 * Fixed values: numbers the service needs that are not environment variables, because no operator has a
 * reason to tune them. Each says why it is what it is. (Tunable ones are variables in environment.ts.)
 */

/** AUTH_DEV_MODE's printed service token lives a working day (12 h), so a development session never needs a new one. */
export const DEV_SERVICE_TOKEN_TTL_SECONDS = 12 * 3600;

/** Leeway on a token's exp/nbf/iat for clocks that differ between the identity provider and us. */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

/** Bytes of the random webhook signing secret made for the embedded sandbox (256 bits, as for an HMAC-SHA256 key). */
export const DEV_WEBHOOK_SECRET_BYTES = 32;

/**
 * Node checks the header and request timeouts on this interval (30 s by default), so it bounds how late a
 * slow client is cut; never longer than the headers timeout itself.
 */
export const HTTP_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** A GraphQL request body without uploads: generous for any document and variables we accept (uploads get more, from KYC_DOCUMENT_MAX_BYTES). */
export const GRAPHQL_BODY_LIMIT_BYTES = 256 * 1024;

/** GET /readyz gives the database this long to answer `select 1` before saying not ready (well under a probe's usual timeout). */
export const READINESS_TIMEOUT_MS = 2_000;

/** How often old webhook receipts (replay protection) are deleted. */
export const WEBHOOK_RECEIPT_PURGE_INTERVAL_MS = 60_000;

/**
 * Receipts are kept this many webhook timestamp tolerances: a timestamp is accepted up to one tolerance
 * either side of our clock, so a replay of a stored receipt can arrive up to two tolerances after it.
 */
export const WEBHOOK_RECEIPT_KEPT_TOLERANCES = 2;

/** Registering our webhook subscription at start: quick tries (a kept-alive connection Bond just closed fails one request, not Bond)... */
export const WEBHOOK_REGISTRATION_ATTEMPTS = 3;
/** ...this far apart at first (doubled each time)... */
export const WEBHOOK_REGISTRATION_RETRY_DELAY_MS = 300;
/** ...and, when they all failed, again in the background on this interval until it works. */
export const WEBHOOK_REGISTRATION_BACKGROUND_RETRY_MS = 60_000;

/** Shutdown: in-flight HTTP requests (a webhook's transaction included) get this long to finish, well inside SHUTDOWN_TIMEOUT_MS. */
export const HTTP_DRAIN_GRACE_MS = 5_000;

/** Shutdown: past this, the process exits (code 1) even if something has not closed. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
