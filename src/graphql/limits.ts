import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import {
  GraphQLError,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  TokenKind,
  type DocumentNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxComplexity: number;
  /** Tokens in a document: checked by the parser itself, before any rule walks the document. */
  maxTokens: number;
  introspection: boolean;
}

/** How an operation or fragment is built, read without recursion (documents can nest thousands deep). */
interface Shape {
  /** Fields written in it, not counting those behind fragment spreads. */
  fields: number;
  /** The deepest inline fragment nesting written in it. */
  inlineNesting: number;
  /** Its fragment spreads, each with the inline fragment nesting it sits at. */
  spreads: Array<{ name: string; level: number }>;
}

function shapeOf(selectionSet: SelectionSetNode): Shape {
  const shape: Shape = { fields: 0, inlineNesting: 0, spreads: [] };
  const pending = [{ selectionSet, level: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    for (const selection of next.selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        shape.fields += 1;
        if (selection.selectionSet) pending.push({ selectionSet: selection.selectionSet, level: next.level });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        shape.inlineNesting = Math.max(shape.inlineNesting, next.level + 1);
        pending.push({ selectionSet: selection.selectionSet, level: next.level + 1 });
      } else {
        shape.spreads.push({ name: selection.name.value, level: next.level });
      }
    }
  }
  return shape;
}

interface Extent {
  /** Fragments (inline and spread) nested in one another along the deepest path. */
  fragmentNesting: number;
  /** Fields once every fragment spread is expanded (what the depth and cost checks would walk). */
  expandedFields: number;
}

/**
 * The extent of each operation of a document, computed bottom-up over the fragment graph with an explicit
 * stack and a memo: linear in the document's size whatever it looks like (chains, fans, cycles, which
 * graphql-js's NoFragmentCycles reports).
 */
function operationExtents(document: DocumentNode): Extent[] {
  const fragments = new Map<string, Shape>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, shapeOf(definition.selectionSet));
  const extents = new Map<string, Extent>();
  const extentOf = (shape: Shape): Extent => {
    let fragmentNesting = shape.inlineNesting;
    let expandedFields = shape.fields;
    for (const spread of shape.spreads) {
      const inner = extents.get(spread.name) ?? { fragmentNesting: 0, expandedFields: 0 };
      fragmentNesting = Math.max(fragmentNesting, spread.level + 1 + inner.fragmentNesting);
      expandedFields += inner.expandedFields;
    }
    return { fragmentNesting, expandedFields };
  };
  const entered = new Set<string>();
  for (const name of fragments.keys()) {
    const pending = [name];
    while (pending.length > 0) {
      const current = pending[pending.length - 1];
      const shape = fragments.get(current);
      if (extents.has(current) || !shape) {
        pending.pop();
        continue;
      }
      if (!entered.has(current)) {
        entered.add(current);
        for (const spread of shape.spreads) if (!extents.has(spread.name) && !entered.has(spread.name)) pending.push(spread.name);
        continue;
      }
      extents.set(current, extentOf(shape));
      pending.pop();
    }
  }
  return document.definitions
    .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => extentOf(shapeOf(operation.selectionSet)));
}

/** Expanded fields allowed per unit of the cost limit before a document is refused for its shape. */
const EXPANSION_FACTOR = 10;

const refusalsByDocument = new WeakMap<DocumentNode, string[]>();

/** Why a document is refused for its shape (fragment nesting, expanded size); empty when it is not. */
function shapeRefusals(document: DocumentNode, limits: QueryLimits): string[] {
  let refusals = refusalsByDocument.get(document);
  if (!refusals) {
    refusals = [];
    for (const extent of operationExtents(document)) {
      if (extent.fragmentNesting > limits.maxDepth)
        refusals.push(`Fragments are nested ${extent.fragmentNesting} deep; the limit is ${limits.maxDepth}.`);
      // Far past the cost limit (which the cost check, later, answers as QUERY_TOO_COMPLEX): fragments that
      // fan out exponentially would make the depth and cost walks themselves the attack.
      else if (extent.expandedFields > EXPANSION_FACTOR * limits.maxComplexity)
        refusals.push(
          `The operation selects ${extent.expandedFields} fields once its fragments are expanded; the limit is ${EXPANSION_FACTOR * limits.maxComplexity}.`,
        );
    }
    refusalsByDocument.set(document, refusals);
  }
  return refusals;
}

/** Refuses documents whose fragments nest too deep or expand too far; runs without recursion. */
export function fragmentShapeRule(limits: QueryLimits): ValidationRule {
  return (context) => ({
    Document() {
      for (const message of shapeRefusals(context.getDocument(), limits)) context.reportError(new GraphQLError(message));
      return false;
    },
  });
}

/** A rule that walks the document recursively runs only on documents whose shape was accepted. */
function afterShapeCheck(rule: ValidationRule, limits: QueryLimits): ValidationRule {
  return (context) => (shapeRefusals(context.getDocument(), limits).length > 0 ? {} : rule(context));
}

/** Brackets (`{`, `[`, `(`) open at once: real operations stay far below; graphql-js parses values recursively. */
export const MAX_BRACKET_NESTING = 64;

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);
/** Documents already measured, per set of limits (an app's), so a repeated operation is lexed once. */
const acceptedByLimits = new WeakMap<QueryLimits, Set<string>>();

/**
 * The first check of a document, before graphql-js parses it: its tokens are counted and its bracket
 * nesting measured with graphql-js's own lexer (no recursion), because the parser itself recurses per
 * level of nesting and overflows the stack on a few thousand nested lists or objects, well inside the
 * token limit. Returns the refusal (GRAPHQL_PARSE_FAILED), or null for a document the parser may read
 * (including one with a syntax error, which the parser reports as usual).
 */
export function documentSizeRefusal(source: string, limits: QueryLimits): GraphQLError | null {
  let acceptedSources = acceptedByLimits.get(limits);
  if (!acceptedSources) acceptedByLimits.set(limits, (acceptedSources = new Set()));
  if (acceptedSources.has(source)) return null;
  const refuse = (message: string) =>
    new GraphQLError(`Syntax Error: ${message}`, { extensions: { code: "GRAPHQL_PARSE_FAILED", http: { status: 400 } } });
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limits.maxTokens) return refuse(`Document contains more than ${limits.maxTokens} tokens. Parsing aborted.`);
      if (OPENING.has(token.kind)) {
        nesting += 1;
        if (nesting > MAX_BRACKET_NESTING) return refuse(`Document nests brackets more than ${MAX_BRACKET_NESTING} deep. Parsing aborted.`);
      } else if (CLOSING.has(token.kind)) nesting -= 1;
    }
  } catch {
    return null;
  }
  if (acceptedSources.size >= 1_000) acceptedSources.delete(acceptedSources.values().next().value!);
  acceptedSources.add(source);
  return null;
}

/** graphql-js parse options: the token limit refuses oversized documents while they are read. */
export function parseOptions(limits: QueryLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/**
 * Validation rules that refuse abusive documents before anything runs: the shape of fragments (an
 * iterative check, first), then nesting depth and alias count (graphql-armor's maintained rules, which
 * recurse, so they only see documents whose shape passed; `__typename` aliases count too), and
 * introspection when it is switched off. Used for HTTP (Apollo's validationRules) and WebSocket
 * (graphql-ws onSubscribe) alike; the token limit (parseOptions) comes before all of them.
 */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  // graphql-armor throws by default (for envelop); report instead, so Apollo and graphql-js answer with a
  // validation error (GRAPHQL_VALIDATION_FAILED) rather than an unexpected exception.
  const report = {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  const rules: ValidationRule[] = [
    fragmentShapeRule(limits),
    afterShapeCheck(maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }), limits),
    afterShapeCheck(maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report }), limits),
  ];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

export { assertComplexity, complexityOf, complexityPlugin } from "./complexity.js";
