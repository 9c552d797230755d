import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import type { TokenVerifier } from "../auth/token-verifier.js";

export interface GraphQLBodyLimits {
  /** Limit for every request (queries and ordinary mutations). */
  defaultLimitBytes: number;
  /** Limit for an authenticated uploadKycDocument request, which carries base64 files. */
  uploadLimitBytes: number;
  verifyToken: TokenVerifier;
}

/** The one operation allowed past the default limit. */
const UPLOAD_OPERATION = /\buploadKycDocument\b/;

const bodyBytes = new WeakMap<IncomingMessage, number>();
const recordSize = (request: IncomingMessage, _response: unknown, buffer: Buffer) => {
  bodyBytes.set(request, buffer.length);
};

type Next = (error?: unknown) => void;
type BodyRequest = IncomingMessage & { body?: unknown };

function tooLarge(next: Next): void {
  next(Object.assign(new Error("request entity too large"), { status: 413, type: "entity.too.large" }));
}

/**
 * JSON body parser for /graphql with two limits. Everybody gets the default one; only a caller whose token
 * checks out (verified before the body is read, so an anonymous client cannot make the server buffer
 * megabytes) gets the upload limit, and a body over the default limit must then be an uploadKycDocument
 * operation. Over a limit, express answers 413 (PAYLOAD_TOO_LARGE).
 */
export function graphqlBodyParser(limits: GraphQLBodyLimits) {
  // body-parser reads plain Node requests (the /graphql handler runs in front of Express).
  const small = express.json({ limit: limits.defaultLimitBytes });
  const large = express.json({ limit: limits.uploadLimitBytes, verify: recordSize });
  const readLarge = async (request: BodyRequest, response: ServerResponse, next: Next): Promise<void> => {
    try {
      const viewer = await limits.verifyToken(request.headers.authorization);
      if (viewer.kind === "anonymous") return small(request, response, next);
    } catch (error) {
      return next(error);
    }
    large(request, response, (error?: unknown) => {
      if (error) return next(error);
      const size = bodyBytes.get(request) ?? 0;
      const query = (request.body as { query?: unknown } | undefined)?.query;
      if (size > limits.defaultLimitBytes && !(typeof query === "string" && UPLOAD_OPERATION.test(query))) return tooLarge(next);
      next();
    });
  };
  return (request: BodyRequest, response: ServerResponse, next: Next): void => {
    const declared = Number(request.headers["content-length"] ?? Number.NaN);
    // A body that fits the default limit (the usual case) needs no token check here (nor a promise).
    if (Number.isFinite(declared) && declared <= limits.defaultLimitBytes) return small(request, response, next);
    void readLarge(request, response, next);
  };
}
