// What every peer server shares, so that they differ only in the GraphQL server: the schema (just
// Customer.kycStatus), the postgres.js pool (same size as ours), the SQL, and HS256 JWT verification
// per request with the same checks as ours (signature, issuer, audience, required unexpired `exp`,
// service scope). The key is imported once at start, as anyone writing such a server would.
import { jwtVerify } from "jose";
import postgres from "postgres";

export const typeDefs = `
  enum KycStatus { NOT_STARTED SUBMITTED UNDER_REVIEW DOCUMENT_REQUIRED REENTER_INFORMATION PASSED FAILED TIMEOUT ERROR }
  type Customer { id: ID! kycStatus: KycStatus! }
  type Query { customer(id: ID!): Customer }
`;

/** Our server opens postgres.js with `max: 10` (src/db/database.ts); run.mjs passes the same. */
export const sql = postgres(process.env.DATABASE_URL, { max: Number(process.env.PEER_POOL_MAX ?? 10), onnotice: () => {} });

export async function customerById(id) {
  const [row] = await sql`select id, kyc_status as "kycStatus" from customers where id = ${id}`;
  return row ?? null;
}

/** Query.customer for servers that take resolver maps (mercurius, yoga, apollo). */
export const resolvers = {
  Query: {
    customer(_parent, { id }, context) {
      if (!context.viewer?.service) throw new Error("not authorised");
      return customerById(id);
    },
  },
};

/** The schema for the bare graphql-js / graphql-jit servers: the SDL with Query.customer's resolver set. */
export function buildExecutableSchema(buildSchema) {
  const schema = buildSchema(typeDefs);
  schema.getQueryType().getFields().customer.resolve = (_parent, args, context) => resolvers.Query.customer(_parent, args, context);
  return schema;
}

const key = await crypto.subtle.importKey(
  "raw",
  new TextEncoder().encode(process.env.AUTH_JWT_SECRET),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["verify"],
);

/** The viewer a bearer token stands for, or null (no token, bad token, expired, wrong issuer or audience). */
export async function verifyAuthorization(authorization) {
  const match = typeof authorization === "string" ? /^Bearer\s+([A-Za-z0-9_.-]{1,8192})$/i.exec(authorization.trim()) : null;
  if (!match) return null;
  try {
    const { payload } = await jwtVerify(match[1], key, {
      issuer: "kyc-graphql",
      audience: "kyc-graphql",
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
    });
    const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
    return { subject: payload.sub, service: scopes.includes("kyc:service") };
  } catch {
    return null;
  }
}

/** Reads a request body (node:http servers). */
export function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export function sendJson(response, status, json) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json) });
  response.end(json);
}

/** Prints the line bench/lib.mjs startProcess waits for, and closes the pool on SIGTERM. */
export function announce(port, close) {
  console.log(`listening http://127.0.0.1:${port}`);
  process.on("SIGTERM", async () => {
    await close();
    await sql.end({ timeout: 1 });
    process.exit(0);
  });
}
