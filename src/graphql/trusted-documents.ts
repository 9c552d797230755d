import { readFileSync } from "node:fs";
import { printExecutableGraphQLDocument } from "@graphql-tools/documents";
import { GraphQLError, Kind, parse, visit } from "graphql";

/** `enforce`: only documents in the manifest run; `allow-unknown`: others run too (development). */
export type TrustedDocumentsMode = "enforce" | "allow-unknown";

/** What a request names or carries: GraphQL-over-HTTP's `documentId`, Apollo's `extensions.persistedQuery`, or the text. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export interface TrustedDocuments {
  mode: TrustedDocumentsMode;
  size: number;
  /**
   * The document to run for a request: the manifest's text when it names one by id (an unknown id is an
   * error in either mode), or its own text when that is in the manifest or the mode allows unknown ones.
   */
  resolve(request: DocumentRequest): { query: string } | GraphQLError;
}

export const TRUSTED_DOCUMENT_NOT_FOUND = "TRUSTED_DOCUMENT_NOT_FOUND";
export const TRUSTED_DOCUMENT_REQUIRED = "TRUSTED_DOCUMENT_REQUIRED";

/**
 * The same document whatever its spacing, comments, order of fields or `__typename` selections: the canonical
 * print codegen hashes, less `__typename` (which normalized caches such as Apollo Client's and urql's add to every
 * selection before sending, and which reads no data). So a client may send the text it has and still match.
 */
function normalize(text: string): string | null {
  try {
    const withoutTypename = visit(parse(text, { noLocation: true }), {
      [Kind.FIELD]: (field) => (field.name.value === "__typename" && !field.alias && !field.directives?.length ? null : undefined),
    });
    return printExecutableGraphQLDocument(withoutTypename);
  } catch {
    return null;
  }
}

function requestedId(request: DocumentRequest): string | undefined {
  if (typeof request.documentId === "string" && request.documentId !== "") return request.documentId.replace(/^sha256:/, "");
  const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === "string" ? persisted.sha256Hash : undefined;
}

/**
 * Trusted documents from a persisted-documents manifest (`{ "<sha256>": "<document>" }`, as GraphQL Code
 * Generator's client preset writes it with `persistedDocuments: true`). A document is trusted when its text is,
 * after normalizing, one in the manifest, so clients may send the id alone or the full text.
 */
export function loadTrustedDocuments(manifestPath: string, mode: TrustedDocumentsMode): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (error) {
    throw new Error(`TRUSTED_DOCUMENTS: cannot read ${manifestPath} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest))
    throw new Error(`TRUSTED_DOCUMENTS: ${manifestPath} is not a { "<hash>": "<document>" } object`);
  const byId = new Map<string, string>();
  const trustedTexts = new Set<string>();
  for (const [id, text] of Object.entries(manifest)) {
    const normalized = typeof text === "string" ? normalize(text) : null;
    if (normalized === null) throw new Error(`TRUSTED_DOCUMENTS: the entry ${id} in ${manifestPath} is not a GraphQL document`);
    byId.set(id.replace(/^sha256:/, ""), text as string);
    trustedTexts.add(normalized);
  }
  // Texts already found trusted, as sent (clients send the same few strings over and over).
  const seen = new Set<string>();
  return {
    mode,
    size: byId.size,
    resolve(request) {
      const id = requestedId(request);
      if (id !== undefined) {
        const text = byId.get(id);
        if (text === undefined)
          return new GraphQLError(`No trusted document has the id ${id.slice(0, 80)}.`, {
            extensions: { code: TRUSTED_DOCUMENT_NOT_FOUND },
          });
        return { query: text };
      }
      const query = typeof request.query === "string" ? request.query : "";
      if (mode === "allow-unknown" || seen.has(query)) return { query };
      const normalized = normalize(query);
      if (normalized !== null && trustedTexts.has(normalized)) {
        if (seen.size < 10_000) seen.add(query);
        return { query };
      }
      return new GraphQLError(
        "Only trusted documents may run here: send one of the application's persisted documents (by documentId or its text).",
        {
          extensions: { code: TRUSTED_DOCUMENT_REQUIRED },
        },
      );
    },
  };
}
