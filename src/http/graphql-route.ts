import type { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import type { Tracer } from "@opentelemetry/api";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { GRAPHQL_BODY_LIMIT_BYTES } from "../config.js";
import { maxUploadRequestBytes } from "../domain/kyc-document.js";
import type { GraphQLContext } from "../graphql/context.js";
import { documentSizeRefusal, type QueryLimits } from "../graphql/limits.js";
import type { TrustedDocuments } from "../graphql/trusted-documents.js";
import { serverSpanMiddleware } from "../observability/tracing.js";
import { graphqlCors } from "./cors.js";
import { httpGraphQLContext, type ContextServices } from "./graphql-context.js";
import { graphqlBodyParser } from "./graphql-body.js";
import { trustedDocumentsMiddleware } from "./trusted-documents.js";

export const GRAPHQL_PATH = "/graphql";

export interface GraphQLRouteOptions {
  apollo: ApolloServer<GraphQLContext>;
  services: ContextServices;
  verifyToken: TokenVerifier;
  queryLimits: QueryLimits;
  trustedDocuments: TrustedDocuments | null;
  /** Browser origins allowed to call (CORS_ORIGINS). */
  corsOrigins: string[];
  /** The cap on one decoded KYC document: a verified caller's upload body may be that big (base64 and all). */
  documentMaxBytes: number;
  tracer: Tracer;
  logger: Logger;
}

/** GraphQL over HTTP at GRAPHQL_PATH: what runs in front of Apollo, in order, then Apollo with its context. */
export function graphqlRoute(options: GraphQLRouteOptions): Router {
  const { queryLimits, trustedDocuments } = options;
  const router = express.Router();
  router.use(
    GRAPHQL_PATH,
    serverSpanMiddleware(options.tracer, "graphql"),
    // Browser apps on other origins (CORS_ORIGINS); the webhook route never gets CORS headers.
    graphqlCors(options.corsOrigins),
    graphqlBodyParser({
      defaultLimitBytes: GRAPHQL_BODY_LIMIT_BYTES,
      uploadLimitBytes: Math.max(GRAPHQL_BODY_LIMIT_BYTES, maxUploadRequestBytes(options.documentMaxBytes)),
      verifyToken: options.verifyToken,
    }),
    ...(trustedDocuments ? [trustedDocumentsMiddleware(trustedDocuments)] : []),
    // Tokens and nesting, counted without recursion before graphql-js parses (the same check as over WebSocket).
    (request: Request, response: Response, next: NextFunction) => {
      const query = (request.body as { query?: unknown } | undefined)?.query ?? request.query?.query;
      const refusal = typeof query === "string" ? documentSizeRefusal(query, queryLimits) : null;
      if (!refusal) return next();
      response.status(400).json({ errors: [{ message: refusal.message, extensions: { code: refusal.extensions.code } }] });
    },
    expressMiddleware(options.apollo, { context: httpGraphQLContext(options.services, options.verifyToken, options.logger) }),
  );
  return router;
}
