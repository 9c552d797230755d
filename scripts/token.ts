// Prints a token the local server accepts: `npm run -s token -- --customer <id>` (a frontend acting for one
// customer) or `npm run -s token -- --service` (all access). Reads the same settings as `npm start` (.env, then
// the environment): with AUTH_JWT_SECRET it signs with that secret; otherwise (AUTH_DEV_MODE) with the
// development key kept in DATA_DIR (dev-jwt.key, created 0600 if missing), so tokens keep working across
// restarts of the dev server. Only the token goes to stdout; what it is goes to stderr.
import { parseArgs } from "node:util";
import { developmentSigningSecret } from "../src/auth/dev-signing-key.js";
import { signToken } from "../src/auth/token-verifier.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { isUuid } from "../src/domain/validation.js";
import { loadEnvFile } from "../src/env-file.js";

const USAGE = "usage: npm run -s token -- --customer <customer id> | --service  [--expires-in <seconds, default 43200>]";

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        customer: { type: "string" },
        service: { type: "boolean" },
        "expires-in": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (Boolean(args.customer) === Boolean(args.service)) fail("give exactly one of --customer <id> or --service");
  if (args.customer && !isUuid(args.customer)) fail(`--customer must be a customer id (a UUID), got ${JSON.stringify(args.customer)}`);
  const expiresIn = args["expires-in"] === undefined ? 12 * 3600 : Number(args["expires-in"]);
  if (!Number.isInteger(expiresIn) || expiresIn < 1) fail("--expires-in must be a whole number of seconds");

  const envFilePath = process.env.ENV_FILE || ".env";
  loadEnvFile(envFilePath);
  let config;
  try {
    // As `npm start`: dev mode unless said otherwise.
    config = loadConfig({ ...process.env, AUTH_DEV_MODE: process.env.AUTH_DEV_MODE ?? "true" });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (config.auth.jwksUrl) fail("AUTH_JWKS_URL is set: tokens come from your identity provider, not from this script");
  const secret = config.auth.jwtSecret ?? developmentSigningSecret(config.dataDir).secret;
  const claims = args.service ? { sub: "dev-service", scope: config.auth.serviceScope } : { sub: args.customer!.toLowerCase() };
  const token = await signToken({ secret, issuer: config.auth.issuer, audience: config.auth.audience }, claims, expiresIn);
  const until = new Date(Date.now() + expiresIn * 1000).toISOString();
  process.stderr.write(
    `${args.service ? "service token (all access)" : `customer token for ${claims.sub}`}, valid until ${until}; send it as Authorization: Bearer <token>\n`,
  );
  process.stdout.write(`${token}\n`);
}

await main();
