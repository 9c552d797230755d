/**
 * Bond's webhook subscriptions by hand: `npm run bond:webhooks -- list | create [url] | delete <id> | ensure [url]`.
 * Reads BOND_API_URL, BOND_IDENTITY, BOND_AUTHORIZATION (and PUBLIC_URL for the default URL) from the
 * environment or .env. `create` prints the signing secret if Bond's answer carries one: that is the value
 * for BOND_WEBHOOK_SECRET (it is printed once and never logged).
 */
import {
  createBondWebhookApi,
  ensureWebhookSubscription,
  KYC_WEBHOOK_EVENTS,
  WEBHOOK_ENVELOPE_VERSION,
} from "../src/bond/bond-webhooks.js";
import { ConfigError, loadBondAccessConfig } from "../src/config.js";
import { loadEnvFile } from "../src/env-file.js";
import { BOND_WEBHOOK_PATH } from "../src/http/bond-webhook.route.js";

const USAGE =
  "usage: npm run bond:webhooks -- list | create [url] | delete <id> | ensure [url]   (url defaults to ${PUBLIC_URL}/webhooks/bond)";

async function main(argv: string[]): Promise<number> {
  const [command, argument] = argv;
  loadEnvFile(process.env.ENV_FILE || ".env");
  const config = loadBondAccessConfig();
  const api = createBondWebhookApi({ ...config, baseUrl: config.apiUrl });
  const defaultUrl = () => {
    if (argument) return argument;
    if (!config.publicUrl) throw new ConfigError(["give the URL, or set PUBLIC_URL (the webhook URL is ${PUBLIC_URL}/webhooks/bond)"]);
    return `${config.publicUrl}${BOND_WEBHOOK_PATH}`;
  };
  switch (command) {
    case "list": {
      const subscriptions = await api.list();
      if (subscriptions.length === 0) console.log("no webhook subscriptions");
      for (const subscription of subscriptions)
        console.log(`${subscription.id}  ${subscription.status}  ${subscription.url}  ${subscription.events.join(",")}`);
      return 0;
    }
    case "create": {
      const created = await api.create({
        url: defaultUrl(),
        events: KYC_WEBHOOK_EVENTS,
        description: "kyc-graphql: KYC events",
        version: WEBHOOK_ENVELOPE_VERSION,
        status: "STATUS_ENABLED",
      });
      console.log(`created ${created.id}  ${created.status}  ${created.url}  ${created.events.join(",")}`);
      console.log(
        created.secret
          ? `signing secret (set BOND_WEBHOOK_SECRET to it; shown once): ${created.secret}`
          : "Bond's answer carried no signing secret: get it from Bond (dashboard or support) for BOND_WEBHOOK_SECRET",
      );
      return 0;
    }
    case "delete": {
      if (!argument) throw new ConfigError(["delete needs the subscription's id (see list)"]);
      await api.delete(argument);
      console.log(`deleted ${argument}`);
      return 0;
    }
    case "ensure": {
      const ensured = await ensureWebhookSubscription(api, defaultUrl());
      console.log(
        `${ensured.created ? "created" : "kept"} ${ensured.subscription.id}  ${ensured.subscription.url}${ensured.deleted.length ? `; deleted duplicates ${ensured.deleted.join(", ")}` : ""}`,
      );
      if (ensured.secret) console.log(`signing secret (set BOND_WEBHOOK_SECRET to it; shown once): ${ensured.secret}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
