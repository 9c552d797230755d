import express, { type NextFunction, type Request, type Response } from "express";
import type { TokenVerifier } from "../auth/token-verifier.js";

export interface GraphQLBodyLimits {
  /** Limit for every request (queries and ordinary mutations). */
  defaultLimitBytes: number;
  /** Limit for authenticated requests, which may carry base64 documents (uploadKycDocument). */
  uploadLimitBytes: number;
  verifyToken: TokenVerifier;
}

/**
 * JSON body parser for /graphql with two limits: a small one for everybody, and the upload limit only
 * for callers whose token checks out (verified before the body is read), so an anonymous client cannot
 * make the server buffer megabytes. Over the limit, express answers 413 (PAYLOAD_TOO_LARGE).
 */
export function graphqlBodyParser(limits: GraphQLBodyLimits) {
  const small = express.json({ limit: limits.defaultLimitBytes });
  const large = express.json({ limit: limits.uploadLimitBytes });
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const declared = Number(request.get("content-length") ?? Number.NaN);
    // A body that fits the small limit (the usual case) needs no token check here.
    if (Number.isFinite(declared) && declared <= limits.defaultLimitBytes) return small(request, response, next);
    try {
      const viewer = await limits.verifyToken(request.get("authorization"));
      return (viewer.kind === "anonymous" ? small : large)(request, response, next);
    } catch (error) {
      next(error);
    }
  };
}
