import "reflect-metadata";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { isDatabaseUnavailable } from "./errors/database-unavailable.js";
import { loadEnvFile } from "./env-file.js";
import { describeStartupError } from "./startup-errors.js";

/** Reads the configuration, starts the app, prints where it is, and stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    // An optional .env (or the file ENV_FILE names) fills in variables the environment does not set.
    const envFilePath = process.env.ENV_FILE || ".env";
    const envFile = loadEnvFile(envFilePath);
    if (process.env.ENV_FILE && !envFile.loaded) throw new ConfigError([`ENV_FILE names a file that does not exist: ${envFilePath}`]);
    if (envFile.applied.length > 0) console.error(`Read ${envFile.applied.join(", ")} from ${envFilePath}`);
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  let app;
  try {
    app = await createApp(config);
  } catch (error) {
    console.error(`kyc-graphql failed to start: ${describeStartupError(error, config)}`);
    process.exit(1);
  }
  // A lost database connection rejects promises inside postgres.js that no request awaits any more (the request
  // already answered SERVICE_UNAVAILABLE). Such a rejection is not a reason to stop every request: log it and live.
  // Anything else unhandled is a bug: log it and exit, as Node would.
  process.on("unhandledRejection", (reason) => {
    if (isDatabaseUnavailable(reason)) {
      app.logger.warn({ err: reason instanceof Error ? reason.message : String(reason) }, "database connection error nobody awaited (ignored)");
      return;
    }
    app.logger.fatal({ err: reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : String(reason) }, "unhandled rejection");
    process.exit(1);
  });
  const upstream = app.bondSandbox ? `embedded Bond sandbox at ${app.bondApiUrl}` : `Bond at ${app.bondApiUrl}`;
  // The banner is for people and goes to stderr: stdout carries only JSON log lines (for log shippers).
  console.error(
    [
      "",
      `kyc-graphql is running (${config.env})`,
      `  GraphQL (POST)      ${app.graphqlUrl}`,
      ...(config.graphql.graphiql ? [`  GraphiQL (browser)  ${app.graphqlUrl}`] : []),
      `  WebSocket           ${app.websocketUrl}  (graphql-transport-ws)`,
      `  Bond webhooks       ${app.webhookUrl}`,
      `  Database            ${app.database.description}`,
      `  Upstream            ${upstream}`,
      ...(app.devServiceToken
        ? [
            "",
            "  AUTH_DEV_MODE: no AUTH_JWT_SECRET/AUTH_JWKS_URL set, so this run signs its own tokens. A service token",
            "  (all access, 12 h; GraphiQL already sends it) for curl and scripts:",
            `  Authorization: Bearer ${app.devServiceToken}`,
          ]
        : []),
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("kyc-graphql failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
