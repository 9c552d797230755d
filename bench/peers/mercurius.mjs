// Peer 3: fastify + mercurius with `jit: 1` (a query is compiled by graphql-jit from its first use);
// mercurius caches parsed and validated documents itself. Auth in a fastify preHandler hook.
import Fastify from "fastify";
import mercurius from "mercurius";
import { announce, resolvers, typeDefs, verifyAuthorization } from "./common.mjs";

const app = Fastify({ logger: false });
app.decorateRequest("viewer", null);
app.addHook("preHandler", async (request, reply) => {
  request.viewer = await verifyAuthorization(request.headers.authorization);
  if (!request.viewer) return reply.code(401).send({ errors: [{ message: "unauthenticated", extensions: { code: "UNAUTHENTICATED" } }] });
});
await app.register(mercurius, { schema: typeDefs, resolvers, jit: 1, graphiql: false, context: (request) => ({ viewer: request.viewer }) });
await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
announce(app.server.address().port, () => app.close());
