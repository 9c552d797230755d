import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { TrustedDocuments } from "../graphql/trusted-documents.js";
import { sendJson } from "./respond.js";

function refuse(response: ServerResponse, error: GraphQLError): void {
  sendJson(response, 400, { errors: [{ message: error.message, extensions: error.extensions }] });
}

/**
 * Trusted documents over HTTP (runs after the body parser, before Apollo): a request that names a document
 * by id (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`) gets that document's text; a
 * document sent as text runs only if trusted (or in allow-unknown mode). Works for POST bodies and GET URLs.
 */
export function trustedDocumentsMiddleware(trusted: TrustedDocuments) {
  return (request: IncomingMessage & { body?: unknown }, response: ServerResponse, next: () => void): void => {
    if (request.method === "POST") {
      const body = request.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== "object" || Array.isArray(body)) return next();
      // Neither an id nor a text: Apollo answers that itself.
      if (body.documentId === undefined && body.extensions === undefined && typeof body.query !== "string") return next();
      const resolved = trusted.resolve(body);
      if (resolved instanceof GraphQLError) return refuse(response, resolved);
      body.query = resolved.query;
      delete body.documentId;
      if (body.extensions && typeof body.extensions === "object") delete (body.extensions as Record<string, unknown>).persistedQuery;
      return next();
    }
    if (request.method === "GET") {
      const url = new URL(request.url ?? "/", "http://local");
      const params = url.searchParams;
      // A page asking for GraphiQL (no operation) is not a GraphQL request.
      if (!params.has("query") && !params.has("documentId") && !params.has("extensions")) return next();
      let extensions: unknown;
      try {
        extensions = params.has("extensions") ? JSON.parse(params.get("extensions")!) : undefined;
      } catch {
        extensions = undefined; // Apollo answers a malformed `extensions` itself
      }
      const resolved = trusted.resolve({
        query: params.get("query") ?? undefined,
        documentId: params.get("documentId") ?? undefined,
        extensions,
      });
      if (resolved instanceof GraphQLError) return refuse(response, resolved);
      params.set("query", resolved.query);
      params.delete("documentId");
      if (extensions && typeof extensions === "object" && "persistedQuery" in extensions) {
        const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
        if (Object.keys(rest).length > 0) params.set("extensions", JSON.stringify(rest));
        else params.delete("extensions");
      }
      request.url = `${url.pathname}${url.search}`;
      return next();
    }
    next();
  };
}
