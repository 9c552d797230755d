// Peer 5: stock @apollo/server with startStandaloneServer (its own node:http integration), default
// plugins for NODE_ENV=production (no landing page, no introspection, CSRF prevention on, no usage
// reporting without an APOLLO_KEY). Auth in the context function.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { announce, resolvers, typeDefs, verifyAuthorization } from "./common.mjs";

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: "127.0.0.1" },
  context: async ({ req }) => ({ viewer: await verifyAuthorization(req.headers.authorization) }),
});
announce(new URL(url).port, () => server.stop());
