import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, isInterfaceType, isObjectType, Kind, visit, type ASTNode, type DocumentNode, type GraphQLSchema } from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/**
 * The cost of an operation: 1 per field unless the field declares a `complexity` (type-graphql's field
 * option; lists multiply by what they may return). Throws QUERY_TOO_COMPLEX above the limit.
 */
export function assertComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxComplexity: number,
): void {
  // Within the limit whatever the other variables hold: if they coerce the cost is this one, if they do not
  // complexityOf says null; either way nothing is thrown (and execution refuses bad variables itself).
  const known = costsOf(schema, document).byCostVariables.get(costVariablesKey(schema, document, variables, operationName));
  if (known !== undefined && known <= maxComplexity) return;
  const complexity = complexityOf(schema, document, variables, operationName);
  if (complexity !== null && complexity > maxComplexity) {
    throw new GraphQLError(`The operation is too complex (cost ${complexity}, limit ${maxComplexity}); ask for fewer fields or items.`, {
      extensions: { code: "QUERY_TOO_COMPLEX", complexity, maxComplexity, http: { status: 400 } },
    });
  }
}

// The cost of a document is computed once per (document, operation, variables that can change it): Apollo's and
// graphql-ws's document caches hand back the same DocumentNode for the same text, so a WeakMap on it lets repeated
// operations skip the walk and frees with the document. Most variables cannot change a cost (an id, an input
// object): only those in @include/@skip and in the arguments of fields whose cost is a function of their
// arguments (a page's `first`) can. Keyed by all the variables, `customer(id: $id)` never hit the cache for
// a new id (issue 13's profile: 9% of a query's CPU in the cost walk).
interface DocumentCosts {
  /** The variables that can change the cost; computed on first use. */
  costVariables: string[] | undefined;
  /** By operation name and all the variables: the exact answer, null when the variables do not coerce. */
  exact: Map<string, number | null>;
  /** By operation name and the cost variables only: costs computed for variables that coerced. */
  byCostVariables: Map<string, number>;
}
const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentCosts>>();
const MAX_COSTS_PER_DOCUMENT = 100;

function costsOf(schema: GraphQLSchema, document: DocumentNode): DocumentCosts {
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap<DocumentNode, DocumentCosts>()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = { costVariables: undefined, exact: new Map(), byCostVariables: new Map() }));
  return byDocument;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_COSTS_PER_DOCUMENT) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** The operation's cost, or null when its variables do not coerce (execution then refuses them with BAD_USER_INPUT). */
export function complexityOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number | null {
  const documentCosts = costsOf(schema, document);
  const key = `${operationName ?? ""}\u0000${variables ? JSON.stringify(variables) : ""}`;
  const cached = documentCosts.exact.get(key);
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
  remember(documentCosts.exact, key, complexity);
  // Never a null here: variables that failed to coerce say nothing of the cost for those that will.
  if (complexity !== null)
    remember(documentCosts.byCostVariables, costVariablesKey(schema, document, variables, operationName), complexity);
  return complexity;
}

/** The operation's name and the values of the variables that can change its cost (absent ones told apart from null). */
function costVariablesKey(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): string {
  const documentCosts = costsOf(schema, document);
  const names = (documentCosts.costVariables ??= costVariablesOf(schema, document));
  let key = operationName ?? "";
  for (const name of names)
    key += `\u0000${variables && Object.hasOwn(variables, name) ? (JSON.stringify(variables[name]) ?? "undefined") : ""}`;
  return key;
}

/** Field names (of any type) whose cost is a function of their arguments. */
const costFunctionFields = new WeakMap<GraphQLSchema, Set<string>>();

/**
 * The variables used in any directive or in the arguments of a field whose cost is a function (matched by
 * name on any type: too many is only a cache miss, too few would be a wrong cost), in the whole document.
 */
function costVariablesOf(schema: GraphQLSchema, document: DocumentNode): string[] {
  let fields = costFunctionFields.get(schema);
  if (!fields) {
    fields = new Set();
    for (const type of Object.values(schema.getTypeMap()))
      if (isObjectType(type) || isInterfaceType(type))
        for (const field of Object.values(type.getFields())) if (typeof field.extensions.complexity === "function") fields.add(field.name);
    costFunctionFields.set(schema, fields);
  }
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    void visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  const costFields = fields;
  visit(document, {
    Directive(directive) {
      collect(directive);
      return false;
    },
    Field(field) {
      if (costFields.has(field.name.value)) for (const argument of field.arguments ?? []) collect(argument);
    },
    [Kind.VARIABLE_DEFINITION]: () => false,
  });
  return [...names].sort();
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
