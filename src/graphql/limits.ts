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
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not coerce: execution refuses them next, with the usual BAD_USER_INPUT.
    return;
  }
  if (complexity > maxComplexity) {
    throw new GraphQLError(`The operation is too complex (cost ${complexity}, limit ${maxComplexity}); ask for fewer fields or items.`, {
      extensions: { code: "QUERY_TOO_COMPLEX", complexity, maxComplexity, http: { status: 400 } },
    });
  }
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
