import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import { context as otelContext, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { parse as parseQueryString } from "node:querystring";
import type { Logger } from "pino";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { GRAPHQL_BODY_LIMIT_BYTES } from "../config.js";
import { maxUploadRequestBytes } from "../domain/kyc-document.js";
import type { GraphQLContext } from "../graphql/context.js";
import { documentSizeRefusal, type QueryLimits } from "../graphql/limits.js";
import type { TrustedDocuments } from "../graphql/trusted-documents.js";
import { beginRequest, runInRequest } from "../observability/request-context.js";
import { serverSpanMiddleware } from "../observability/tracing.js";
import { graphqlCors } from "./cors.js";
import { sendError } from "./error-handler.js";
import { httpGraphQLContext, type ContextServices } from "./graphql-context.js";
import { graphqlBodyParser } from "./graphql-body.js";
import { sendJson } from "./respond.js";
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

type GraphQLRequest = IncomingMessage & { body?: unknown };
/** Handles one GraphQL request on plain Node objects; `fail` gets what Express's error handler would. */
type GraphQLHandler = (request: GraphQLRequest, response: ServerResponse, fail: (error: unknown) => void) => void;

/** What runs in front of Apollo, in order, then Apollo with its context: on plain Node request and response objects. */
function graphqlHandler(options: GraphQLRouteOptions, clientIp: (request: IncomingMessage) => string | undefined): GraphQLHandler {
  const { apollo, queryLimits } = options;
  // Browser apps on other origins (CORS_ORIGINS); the webhook route never gets CORS headers.
  const cors = graphqlCors(options.corsOrigins);
  const readBody = graphqlBodyParser({
    defaultLimitBytes: GRAPHQL_BODY_LIMIT_BYTES,
    uploadLimitBytes: Math.max(GRAPHQL_BODY_LIMIT_BYTES, maxUploadRequestBytes(options.documentMaxBytes)),
    verifyToken: options.verifyToken,
  });
  const trusted = options.trustedDocuments ? trustedDocumentsMiddleware(options.trustedDocuments) : null;
  const context = httpGraphQLContext(options.services, options.verifyToken, options.logger, clientIp);

  // As @as-integrations/express5 does it, minus Express: Apollo's own HTTP entry point.
  async function execute(request: GraphQLRequest, response: ServerResponse): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = request.url ?? "";
    const queryAt = url.indexOf("?");
    const hashAt = url.indexOf("#");
    const search = queryAt < 0 || (hashAt >= 0 && hashAt < queryAt) ? "" : url.slice(queryAt, hashAt < 0 ? undefined : hashAt);
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? "GET").toUpperCase(), headers, search, body: request.body },
      context: () => context(request),
    });
    for (const [key, value] of answer.headers) response.setHeader(key, value);
    response.statusCode = answer.status ?? 200;
    if (answer.body.kind === "complete") {
      // What Express's `send` adds to a string: the charset and the length.
      const type = response.getHeader("Content-Type");
      if (typeof type === "string" && !/;\s*charset=/i.test(type)) response.setHeader("Content-Type", `${type}; charset=utf-8`);
      else if (type === undefined) response.setHeader("Content-Type", "text/html; charset=utf-8");
      response.setHeader("Content-Length", Buffer.byteLength(answer.body.string));
      response.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) response.write(chunk);
    response.end();
  }

  return (request, response, fail) => {
    cors(request, response, () => {
      readBody(request, response, (error?: unknown) => {
        if (error) return fail(error);
        const afterTrusted = () => {
          // Tokens and nesting, counted without recursion before graphql-js parses (the same check as over WebSocket).
          const query = (request.body as { query?: unknown } | undefined)?.query ?? urlQuery(request.url);
          const refusal = typeof query === "string" ? documentSizeRefusal(query, queryLimits) : null;
          if (refusal)
            return sendJson(response, 400, { errors: [{ message: refusal.message, extensions: { code: refusal.extensions.code } }] });
          execute(request, response).catch(fail);
        };
        if (trusted) trusted(request, response, afterTrusted);
        else afterTrusted();
      });
    });
  };
}

/** `query` from the URL's query string, read as Express's default ("simple") query parser reads it. */
function urlQuery(url: string | undefined): unknown {
  const at = url?.indexOf("?") ?? -1;
  if (at < 0) return undefined;
  return parseQueryString(url!.slice(at + 1)).query;
}

export interface GraphQLEndpoint {
  /** For Express: anything under GRAPHQL_PATH that the direct handler leaves (sub-paths, other spellings). */
  router: Router;
  /**
   * The direct handler, in front of Express: takes a request for exactly GRAPHQL_PATH and returns true, or
   * returns false and leaves it. Does what Express's chain does for it (request id and access line, server
   * span, CORS, body, trusted documents, limits, Apollo, the error handler's answers) without Express's
   * per-request cost (see BENCHMARKS.md, "Peers").
   */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

export interface GraphQLEndpointOptions {
  /** The client's address as Express reads it (its `trust proxy` setting). */
  clientIp: (request: IncomingMessage) => string | undefined;
  /** The access line (see `requestContextMiddleware`). */
  logger: Logger;
}

/** GraphQL over HTTP at GRAPHQL_PATH. */
export function graphqlEndpoint(options: GraphQLRouteOptions, endpoint: GraphQLEndpointOptions): GraphQLEndpoint {
  const handler = graphqlHandler(options, endpoint.clientIp);
  const { tracer, logger } = options;
  const router = express.Router();
  router.use(GRAPHQL_PATH, serverSpanMiddleware(tracer, "graphql"), (request: Request, response: Response, next: NextFunction) =>
    handler(request, response, next),
  );
  const accessLogger = endpoint.logger;
  return {
    router,
    handle(request, response) {
      const url = request.url ?? "";
      const path =
        url.length === GRAPHQL_PATH.length || url.charCodeAt(GRAPHQL_PATH.length) === 63 /* ? */ ? url.slice(0, GRAPHQL_PATH.length) : null;
      if (path !== GRAPHQL_PATH) return false;
      // requestContextMiddleware's work, as for every other route.
      const requestId = beginRequest(request, response, accessLogger, GRAPHQL_PATH);
      runInRequest(requestId, () => {
        // serverSpanMiddleware's work.
        const span = tracer.startSpan("graphql", {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": request.method, "url.path": GRAPHQL_PATH },
        });
        const fail = (error: unknown) => {
          if (response.headersSent) return void response.destroy(error instanceof Error ? error : undefined);
          sendError(response, error, logger);
        };
        // No tracing configured: the no-op tracer's span is invalid, nothing to finish nor to make the parent.
        if (!isSpanContextValid(span.spanContext())) return handler(request, response, fail);
        response.on("finish", () => {
          span.setAttribute("http.response.status_code", response.statusCode);
          if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        });
        otelContext.with(trace.setSpan(otelContext.active(), span), () => handler(request, response, fail));
      });
      return true;
    },
  };
}
