// Peer 1: node:http + graphql-js; parse and validate cached per query text, only execute per request.
import { createServer } from "node:http";
import { buildSchema, execute, parse, validate } from "graphql";
import { announce, buildExecutableSchema, readBody, sendJson, verifyAuthorization } from "./common.mjs";

const schema = buildExecutableSchema(buildSchema);
const documents = new Map(); // query text → { document } or { errors }

function prepare(query) {
  let entry = documents.get(query);
  if (!entry) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? { errors } : { document };
    } catch (error) {
      entry = { errors: [error] };
    }
    if (documents.size < 1000) documents.set(query, entry);
  }
  return entry;
}

const server = createServer(async (request, response) => {
  if (request.method !== "POST" || request.url !== "/graphql") return sendJson(response, 404, '{"error":"not found"}');
  try {
    const viewer = await verifyAuthorization(request.headers.authorization);
    if (!viewer)
      return sendJson(response, 401, JSON.stringify({ errors: [{ message: "unauthenticated", extensions: { code: "UNAUTHENTICATED" } }] }));
    const { query, variables, operationName } = JSON.parse(await readBody(request));
    const entry = prepare(query);
    if (entry.errors) return sendJson(response, 400, JSON.stringify({ errors: entry.errors }));
    const result = await execute({ schema, document: entry.document, contextValue: { viewer }, variableValues: variables, operationName });
    sendJson(response, 200, JSON.stringify(result));
  } catch {
    sendJson(response, 400, '{"errors":[{"message":"bad request"}]}');
  }
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  announce(server.address().port, () => new Promise((done) => server.close(done))),
);
