import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, NoSchemaIntrospectionCustomRule, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxComplexity: number;
  introspection: boolean;
}

/**
 * Validation rules that refuse abusive documents before anything runs: nesting depth and alias count
 * (graphql-armor's maintained rules), and introspection when it is switched off. Used for HTTP (Apollo's
 * validationRules) and WebSocket (graphql-ws onSubscribe) alike.
 */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  // graphql-armor throws by default (for envelop); report instead, so Apollo and graphql-js answer with a
  // validation error (GRAPHQL_VALIDATION_FAILED) rather than an unexpected exception.
  const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };
  const rules: ValidationRule[] = [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...report }) as unknown as ValidationRule,
  ];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * The cost of an operation: 1 per field unless the field declares a `complexity` (type-graphql's field
 * option; lists multiply by what they may return). Throws QUERY_TOO_COMPLEX above the limit.
 */
export function assertComplexity(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, maxComplexity: number): void {
  const complexity = complexityOf(schema, document, variables, operationName);
  if (complexity !== null && complexity > maxComplexity) {
    throw new GraphQLError(`The operation is too complex (cost ${complexity}, limit ${maxComplexity}); ask for fewer fields or items.`, {
      extensions: { code: "QUERY_TOO_COMPLEX", complexity, maxComplexity, http: { status: 400 } },
    });
  }
}

// The cost of a document is computed once per (document, operation, variables): Apollo's and graphql-ws's
// document caches hand back the same DocumentNode for the same text, so a WeakMap on it lets repeated
// operations skip the walk (issue 13's profile had it at 5% of a query) and frees with the document.
const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number | null>>>();
const MAX_COSTS_PER_DOCUMENT = 100;

/** The operation's cost, or null when its variables do not coerce (execution then refuses them with BAD_USER_INPUT). */
export function complexityOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): number | null {
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  const key = `${operationName ?? ""}\u0000${variables ? JSON.stringify(variables) : ""}`;
  const cached = byDocument.get(key);
  if (cached !== undefined) return cached;
  let complexity: number | null;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    complexity = null;
  }
  if (byDocument.size >= MAX_COSTS_PER_DOCUMENT) byDocument.delete(byDocument.keys().next().value!);
  byDocument.set(key, complexity);
  return complexity;
}

/** Apollo plugin: checks the cost of each resolved operation (the variables are known by then). */
export function complexityPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          assertComplexity(schema, document, request.variables, request.operationName ?? undefined, maxComplexity);
        },
      };
    },
  };
}
