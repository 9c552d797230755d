import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { WebhookSubscription } from "./bond-sandbox.js";
import { bondError, type Replies } from "./replies.js";
import { fieldErrors, newWebhookSchema, webhookChangesSchema } from "./schemas.js";

/** Bond's webhook subscriptions (`/webhooks`), and which of them a webhook goes to. */
export function createWebhookSubscriptions(context: {
  clock: () => Date;
  replies: Replies;
  webhookSecret: string;
  outOfBandUrl?: () => string | undefined;
}) {
  const { clock, webhookSecret } = context;
  const { reply } = context.replies;
  const subscriptions = new Map<string, WebhookSubscription>();

  /**
   * Where a webhook goes: every enabled subscription one of whose events matches it (`*` is a wildcard,
   * as in Bond's `kyc*`), plus the out-of-band URL. The `submitted` webhook has no event name; it goes
   * to every subscription that asks for any KYC event (our reading of Bond's KYC guide).
   */
  function targets(body: Record<string, unknown>): string[] {
    const matches = (pattern: string): boolean => {
      if (typeof body.event !== "string") return pattern.startsWith("kyc");
      const regex = new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      );
      return regex.test(body.event);
    };
    const urls = [...subscriptions.values()]
      .filter((subscription) => subscription.status === "STATUS_ENABLED" && subscription.events.some(matches))
      .map((subscription) => subscription.url);
    const outOfBand = context.outOfBandUrl?.();
    if (outOfBand) urls.push(outOfBand);
    return [...new Set(urls)];
  }

  function createWebhook(request: Request, response: Response): void {
    const parsed = newWebhookSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "webhook_post_schema", fieldErrors(parsed.error)));
    const subscription: WebhookSubscription = {
      id: randomUUID(),
      url: parsed.data.url,
      events: parsed.data.events,
      description: parsed.data.description ?? null,
      version: parsed.data.version ?? "0.1",
      status: parsed.data.status ?? "STATUS_ENABLED",
      date_created: clock().toISOString(),
    };
    subscriptions.set(subscription.id, subscription);
    // The secret is in the create answer only (our assumption of Bond's behaviour; see README, Bond).
    reply(request, response, 201, { ...subscription, secret: webhookSecret });
  }

  function listWebhooks(request: Request, response: Response): void {
    reply(request, response, 200, [...subscriptions.values()]);
  }

  function webhookOr404(request: Request<{ id: string }>, response: Response): WebhookSubscription | undefined {
    const subscription = subscriptions.get(request.params.id);
    if (!subscription) reply(request, response, 404, bondError(404, "webhook_dne", "Webhook subscription not found"));
    return subscription;
  }

  function getWebhook(request: Request<{ id: string }>, response: Response): void {
    const subscription = webhookOr404(request, response);
    if (subscription) reply(request, response, 200, subscription);
  }

  function updateWebhook(request: Request<{ id: string }>, response: Response): void {
    const subscription = webhookOr404(request, response);
    if (!subscription) return;
    const parsed = webhookChangesSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "webhook_patch_schema", fieldErrors(parsed.error)));
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined && value !== null));
    const updated = { ...subscription, ...changes };
    subscriptions.set(subscription.id, updated);
    reply(request, response, 200, updated);
  }

  function deleteWebhook(request: Request<{ id: string }>, response: Response): void {
    const subscription = webhookOr404(request, response);
    if (!subscription) return;
    subscriptions.delete(subscription.id);
    reply(request, response, 200, { id: subscription.id, deleted: true });
  }

  return { targets, list: () => [...subscriptions.values()], createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook };
}
