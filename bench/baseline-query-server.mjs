// The query benchmark's baseline: bare node:http + graphql-js answering `customer(id) { kycStatus }` from
// the same table through the same driver (postgres.js, 10 connections). No framework, no caching.
import { createServer } from "node:http";
import { buildSchema, graphql } from "graphql";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} });
const schema = buildSchema(`
  enum KycStatus { NOT_STARTED SUBMITTED UNDER_REVIEW DOCUMENT_REQUIRED REENTER_INFORMATION PASSED FAILED TIMEOUT ERROR }
  type Customer { id: ID! kycStatus: KycStatus! }
  type Query { customer(id: ID!): Customer }
`);
const rootValue = {
  async customer({ id }) {
    const [row] = await sql`select id, kyc_status as "kycStatus" from customers where id = ${id}`;
    return row ?? null;
  },
};

const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", async () => {
    const { query, variables } = JSON.parse(body);
    const result = await graphql({ schema, source: query, rootValue, variableValues: variables });
    const json = JSON.stringify(result);
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    response.end(json);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => sql.end({ timeout: 1 }).then(() => process.exit(0))));
