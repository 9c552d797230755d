import { GraphQLID, GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { assertComplexity, complexityOf } from "../../src/graphql/limits.js";

// The cost is cached per document (issue 13); a cost that depends on variables must still follow them.
const item = new GraphQLObjectType({ name: "Item", fields: { name: { type: GraphQLString } } });
/** How many times a cost was computed for `items` (its cost function runs once per walk of the document). */
let itemsCostCalls = 0;
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      items: {
        type: new GraphQLList(item),
        args: { first: { type: GraphQLInt } },
        extensions: {
          complexity: ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) => {
            itemsCostCalls += 1;
            return 1 + childComplexity * (args.first ?? 10);
          },
        },
      },
      item: { type: item, args: { id: { type: GraphQLID } } },
    },
  }),
});

describe("operation cost, computed once per document", () => {
  it("follows the variables of each request on the same parsed document", () => {
    const document = parse("query Items($first: Int) { items(first: $first) { name } }");
    expect(complexityOf(schema, document, { first: 5 }, undefined)).toBe(6);
    expect(complexityOf(schema, document, { first: 500 }, undefined)).toBe(501);
    expect(complexityOf(schema, document, { first: 5 }, undefined)).toBe(6);
    expect(() => assertComplexity(schema, document, { first: 5 }, undefined, 100)).not.toThrow();
    expect(() => assertComplexity(schema, document, { first: 500 }, undefined, 100)).toThrow(/too complex \(cost 501, limit 100\)/);
  });

  it("keeps each operation of a document apart", () => {
    const document = parse("query A { items(first: 2) { name } } query B { items(first: 3) { name } }");
    expect(complexityOf(schema, document, undefined, "A")).toBe(3);
    expect(complexityOf(schema, document, undefined, "B")).toBe(4);
  });
});

describe("operation cost, cached past variables that cannot change it", () => {
  it("walks a document once for any id, and again for each page size", () => {
    const document = parse("query Q($id: ID, $first: Int) { item(id: $id) { name } items(first: $first) { name } }");
    const ids = parse("query Q($id: ID) { item(id: $id) { name } items(first: 3) { name } }");
    itemsCostCalls = 0;
    for (const id of ["a", "b", "c"]) expect(() => assertComplexity(schema, ids, { id }, undefined, 100)).not.toThrow();
    expect(itemsCostCalls).toBe(1);
    expect(complexityOf(schema, ids, { id: "d" }, undefined)).toBe(6);

    itemsCostCalls = 0;
    expect(() => assertComplexity(schema, document, { id: "a", first: 5 }, undefined, 100)).not.toThrow();
    expect(() => assertComplexity(schema, document, { id: "b", first: 5 }, undefined, 100)).not.toThrow();
    expect(itemsCostCalls).toBe(1);
    expect(() => assertComplexity(schema, document, { id: "c", first: 500 }, undefined, 100)).toThrow(/cost 503, limit 100/);
    expect(() => assertComplexity(schema, document, { id: "d", first: 500 }, undefined, 100)).toThrow(/cost 503, limit 100/);
    // Absent and null are two values: the argument's default against an explicit null.
    expect(() => assertComplexity(schema, document, { id: "e" }, undefined, 10)).toThrow(/cost 13, limit 10/);
  });

  it("follows variables in @include and @skip", () => {
    const document = parse("query Q($id: ID, $all: Boolean!) { item(id: $id) { name } items(first: 50) @include(if: $all) { name } }");
    expect(() => assertComplexity(schema, document, { id: "a", all: false }, undefined, 20)).not.toThrow();
    expect(() => assertComplexity(schema, document, { id: "b", all: true }, undefined, 20)).toThrow(/cost 53, limit 20/);
    expect(() => assertComplexity(schema, document, { id: "c", all: false }, undefined, 20)).not.toThrow();
  });

  it("is not fooled by a request whose variables do not coerce", () => {
    const document = parse("query Q($id: ID!) { item(id: $id) { name } items(first: 50) { name } }");
    // Cost unknown (execution refuses the variables with BAD_USER_INPUT): no refusal for cost, nothing cached for others.
    expect(complexityOf(schema, document, { id: { not: "an id" } }, undefined)).toBeNull();
    expect(() => assertComplexity(schema, document, { id: null }, undefined, 20)).not.toThrow();
    expect(() => assertComplexity(schema, document, { id: "a" }, undefined, 20)).toThrow(/cost 53, limit 20/);
    // Once the cost is known to be over the limit, bad variables still get the answer they got before.
    expect(() => assertComplexity(schema, document, { id: null }, undefined, 20)).not.toThrow();
  });
});
