import type { App } from "../app.js";
import { DEV_SERVICE_TOKEN_TTL_SECONDS, type AppConfig } from "../config.js";

/** What `npm start` prints once the server listens: where everything is, and the development token if any. For people (stderr). */
export function startupBanner(app: App, config: AppConfig): string {
  const upstream = app.bondSandbox ? `embedded Bond sandbox at ${app.bondApiUrl}` : `Bond at ${app.bondApiUrl}`;
  return [
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
          `  (all access, ${DEV_SERVICE_TOKEN_TTL_SECONDS / 3600} h; GraphiQL already sends it) for curl and scripts:`,
          `  Authorization: Bearer ${app.devServiceToken}`,
        ]
      : []),
    "",
  ].join("\n");
}
