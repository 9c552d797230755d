import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { combinedRequestPlugin } from "../../src/http/request-plugins.js";

const typeDefs = "type Query { hello: String }";
const resolvers = { Query: { hello: () => "world" } };

/** A plugin that notes each hook it sees; `refuse` makes its didResolveOperation throw. */
function recorder(name: string, seen: string[], refuse = false): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      seen.push(`${name}:start`);
      return {
        async didResolveOperation() {
          seen.push(`${name}:operation`);
          if (refuse) throw new GraphQLError(`refused by ${name}`, { extensions: { code: "REFUSED" } });
        },
        async willSendResponse() {
          seen.push(`${name}:response`);
        },
      };
    },
  };
}

async function run(plugins: ApolloServerPlugin<BaseContext>[]) {
  const server = new ApolloServer({ typeDefs, resolvers, plugins });
  await server.start();
  try {
    const response = await server.executeOperation({ query: "{ hello }" });
    return response.body.kind === "single" ? response.body.singleResult : null;
  } finally {
    await server.stop();
  }
}

describe("combinedRequestPlugin: several plugins' request hooks as one listener", () => {
  it("runs every plugin's hooks, in order", async () => {
    const seen: string[] = [];
    const result = await run([combinedRequestPlugin([recorder("a", seen), recorder("b", seen)])]);
    expect(result?.data).toEqual({ hello: "world" });
    expect(seen).toEqual(["a:start", "b:start", "a:operation", "b:operation", "a:response", "b:response"]);
  });

  it("answers with the first plugin's error and still runs the others' hooks", async () => {
    const seen: string[] = [];
    const result = await run([combinedRequestPlugin([recorder("a", seen, true), recorder("b", seen, true), recorder("c", seen)])]);
    expect(result?.data).toBeUndefined();
    expect(result?.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([["refused by a", "REFUSED"]]);
    expect(seen).toEqual([
      "a:start",
      "b:start",
      "c:start",
      "a:operation",
      "b:operation",
      "c:operation",
      "a:response",
      "b:response",
      "c:response",
    ]);
  });

  it("refuses plugins with hooks it does not combine", async () => {
    expect(() => combinedRequestPlugin([{ async serverWillStart() {} }])).toThrow(/request hooks only, not serverWillStart/);
    const parsing: ApolloServerPlugin<BaseContext> = {
      async requestDidStart() {
        return { async parsingDidStart() {} };
      },
    };
    await expect(combinedRequestPlugin([parsing, recorder("a", [])]).requestDidStart!({} as never)).rejects.toThrow(
      /does not combine parsingDidStart/,
    );
  });
});
