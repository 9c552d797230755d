import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";
import { REQUEST_ID_HEADER } from "../observability/request-context.js";
import { sendJson, varyOn } from "./respond.js";

/** Request headers a browser app may send to /graphql (asked for in the preflight). */
export const CORS_ALLOWED_HEADERS = [
  "content-type",
  "authorization",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  REQUEST_ID_HEADER,
];
/** Response headers a browser app may read. */
export const CORS_EXPOSED_HEADERS = [REQUEST_ID_HEADER, "retry-after"];

/** Browsers may reuse a preflight answer for 10 minutes: one preflight per origin and operation shape, not one per request. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for /graphql only (never mounted on the webhook route): an origin in `allowedOrigins` gets
 * `Access-Control-Allow-Origin` (its own origin, never `*`) with credentials, and its preflight a 204. Any other
 * origin gets no CORS header at all, so the browser keeps the answer from the page; its preflight is refused
 * with 403 and a code that says why (visible in the browser's network panel).
 */
export function graphqlCors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  const allow = cors({
    origin: true, // reflects the request's Origin: only reached for an allowed one (below)
    credentials: true,
    methods: ["GET", "POST"],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  // Plain Node request and response (the cors package needs nothing of Express's).
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const origin = request.headers.origin;
    if (origin === undefined) return next(); // not a cross-origin browser request
    varyOn(response, "Origin");
    if (allowed.has(origin)) return allow(request, response, next);
    if (request.method === "OPTIONS") {
      sendJson(response, 403, {
        code: "CORS_ORIGIN_NOT_ALLOWED",
        message: "This origin may not call the API from a browser (see CORS_ORIGINS).",
      });
      return;
    }
    next();
  };
}
