import { GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { assertComplexity, complexityOf } from "../../src/graphql/limits.js";

// The cost is cached per document (issue 13); a cost that depends on variables must still follow them.
const item = new GraphQLObjectType({ name: "Item", fields: { name: { type: GraphQLString } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      items: {
        type: new GraphQLList(item),
        args: { first: { type: GraphQLInt } },
        extensions: {
          complexity: ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
            1 + childComplexity * (args.first ?? 10),
        },
      },
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
