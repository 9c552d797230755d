// Peer 2: node:http + graphql-jit; parse, validate and compile cached per query text, the compiled
// query (and its compiled JSON serialiser) run per request.
import { createServer } from "node:http";
import { buildSchema, parse, validate } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import { announce, buildExecutableSchema, readBody, sendJson, verifyAuthorization } from "./common.mjs";

const schema = buildExecutableSchema(buildSchema);
const compiled = new Map(); // query text → compiled query or { errors }

function prepare(query, operationName) {
  const cacheKey = `${operationName ?? ""}\n${query}`;
  let entry = compiled.get(cacheKey);
  if (!entry) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? { errors } : compileQuery(schema, document, operationName);
    } catch (error) {
      entry = { errors: [error] };
    }
    if (!isCompiledQuery(entry) && !entry.errors) entry = { errors: entry.errors ?? [{ message: "cannot compile" }] };
    if (compiled.size < 1000) compiled.set(cacheKey, entry);
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
    const entry = prepare(query, operationName);
    if (!isCompiledQuery(entry)) return sendJson(response, 400, JSON.stringify({ errors: entry.errors }));
    const result = await entry.query(buildExecutableSchema, { viewer }, variables);
    sendJson(response, 200, entry.stringify(result));
  } catch {
    sendJson(response, 400, '{"errors":[{"message":"bad request"}]}');
  }
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  announce(server.address().port, () => new Promise((done) => server.close(done))),
);
