// Peer 4: graphql-yoga on node:http, default setup (its parser and validation caches are on by
// default; GraphiQL and the landing page too, error masking on). Auth in the context factory.
import { createServer } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";
import { announce, resolvers, typeDefs, verifyAuthorization } from "./common.mjs";

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  context: async ({ request }) => ({ viewer: await verifyAuthorization(request.headers.get("authorization")) }),
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  announce(server.address().port, () => new Promise((done) => server.close(done))),
);
