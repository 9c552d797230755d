import type { Logger } from "pino";
import { BondUnavailableError } from "../bond/bond-client.js";
import { createBondWebhookApi, ensureWebhookSubscription } from "../bond/bond-webhooks.js";
import { WEBHOOK_REGISTRATION_ATTEMPTS, WEBHOOK_REGISTRATION_BACKGROUND_RETRY_MS, WEBHOOK_REGISTRATION_RETRY_DELAY_MS } from "../config.js";

/** Runs `work`, again after `delayMs` (doubled each time) while Bond is unavailable, at most `attempts` times. */
async function retryUnavailable<T>(work: () => Promise<T>, attempts: number, delayMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof BondUnavailableError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
}

export interface WebhookSubscriptionOptions {
  /** The URL Bond is to deliver to. */
  webhookUrl: string;
  bond: { apiUrl: () => string; identity: string; authorization: string; timeoutMs: number };
  /** The configured signing secrets (BOND_WEBHOOK_SECRET); a new subscription's secret must be one of them. */
  configuredSecrets: string[];
  /** With the embedded sandbox, whatever secret it issues is ours anyway. */
  embedded: boolean;
  logger: Logger;
}

/**
 * Bond delivers only to subscribed URLs: makes sure ours is subscribed, exactly once. Resolves after the
 * first try (so no KYC is sent before Bond knows where to answer); if that failed, keeps trying in the
 * background until it works or `stop()`.
 */
export async function keepWebhookSubscribed(options: WebhookSubscriptionOptions): Promise<{ stop(): void }> {
  const { webhookUrl, logger } = options;
  const webhookApi = createBondWebhookApi({
    baseUrl: options.bond.apiUrl,
    identity: options.bond.identity,
    authorization: options.bond.authorization,
    timeoutMs: options.bond.timeoutMs,
  });
  const register = async (): Promise<boolean> => {
    try {
      // A few quick tries first: a kept-alive connection Bond just closed fails one request, not Bond.
      const ensured = await retryUnavailable(
        () => ensureWebhookSubscription(webhookApi, webhookUrl, logger),
        WEBHOOK_REGISTRATION_ATTEMPTS,
        WEBHOOK_REGISTRATION_RETRY_DELAY_MS,
      );
      if (ensured.created && ensured.secret && !options.embedded && !options.configuredSecrets.includes(ensured.secret)) {
        logger.error(
          { subscriptionId: ensured.subscription.id },
          "Bond issued a new signing secret for the webhook subscription made at start, and BOND_WEBHOOK_SECRET is not it: webhooks will be refused until it is set (npm run bond:webhooks -- delete/create prints a new one)",
        );
      }
      return true;
    } catch (error) {
      logger.error(
        { err: error instanceof Error ? error.message : String(error), webhookUrl },
        `could not register the Bond webhook subscription; retrying in ${WEBHOOK_REGISTRATION_BACKGROUND_RETRY_MS / 1000} s`,
      );
      return false;
    }
  };
  let retrying: NodeJS.Timeout | null = null;
  if (!(await register())) {
    retrying = setInterval(() => {
      void register().then((done) => {
        if (done && retrying) clearInterval(retrying);
      });
    }, WEBHOOK_REGISTRATION_BACKGROUND_RETRY_MS);
    retrying.unref();
  }
  return {
    stop() {
      if (retrying) clearInterval(retrying);
    },
  };
}
