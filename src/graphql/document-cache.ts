import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type Source } from "graphql";

/**
 * Parse and validate each distinct operation text once, for graphql-ws (Apollo keeps its own document
 * store over HTTP). Every subscriber of one app sends the same few documents; sharing one parsed AST
 * among thousands of open subscriptions saves the parse and validate work and keeps each subscription's
 * memory small (see BENCHMARKS.md, fan-out). Bounded: the oldest entry goes once `maxEntries` is reached.
 */
export function createDocumentCache(maxEntries = 500) {
  const documents = new Map<string, DocumentNode>();
  const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  return {
    parse(source: string | Source): DocumentNode {
      if (typeof source !== "string") return parse(source);
      let document = documents.get(source);
      if (!document) {
        document = parse(source); // a syntax error throws, uncached, exactly as without the cache
        if (documents.size >= maxEntries) documents.delete(documents.keys().next().value!);
        documents.set(source, document);
      }
      return document;
    },
    validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
      let errors = validated.get(document);
      if (!errors) {
        errors = validate(schema, document);
        validated.set(document, errors);
      }
      return errors;
    },
  };
}
