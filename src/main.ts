import "reflect-metadata";
import { createApp } from "./app.js";
import { handleProcessEvents } from "./app/process-handlers.js";
import { startupBanner } from "./app/startup-banner.js";
import { ConfigError, loadConfig } from "./config.js";
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
  handleProcessEvents(app);
  // The banner is for people and goes to stderr: stdout carries only JSON log lines (for log shippers).
  console.error(startupBanner(app, config));
}

main().catch((error: unknown) => {
  console.error("kyc-graphql failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
