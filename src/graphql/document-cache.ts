import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from "graphql";

export interface CheckedDocument {
  document: DocumentNode;
  /** Validation errors (empty when the document is valid). */
  errors: readonly GraphQLError[];
}

/**
 * Parses and validates each distinct operation text once, for graphql-ws (Apollo keeps its own document
 * store over HTTP). The subscribers of one app send the same few documents: sharing one parsed AST among
 * thousands of open subscriptions saves the parse and validate work at each subscribe and keeps each
 * subscription's memory small (see BENCHMARKS.md, fan-out). The rules must not depend on variables
 * (the cost check, which does, stays per operation). Bounded: the oldest entry goes at `maxEntries`.
 */
export function createDocumentCache(options: {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  maxTokens: number;
  maxEntries?: number;
}) {
  const maxEntries = options.maxEntries ?? 500;
  const checked = new Map<string, CheckedDocument>();
  return {
    /** Throws the GraphQL syntax error of a text that does not parse (not cached). */
    check(source: string): CheckedDocument {
      let entry = checked.get(source);
      if (!entry) {
        const document = parse(source, { maxTokens: options.maxTokens });
        entry = { document, errors: validate(options.schema, document, options.rules) };
        if (checked.size >= maxEntries) checked.delete(checked.keys().next().value!);
        checked.set(source, entry);
      }
      return entry;
    },
  };
}
