import type { Logger } from "pino";
import { BondRequestError, BondUnavailableError, parseBondBody } from "./bond-client.js";

/**
 * Bond's webhook subscriptions (`/webhooks`). Documented by Bond: `POST /webhooks` with `url`, `events`
 * (wildcards such as `kyc*`), `description`, `version` (of the event envelope, "0.1") and `status`
 * (`STATUS_ENABLED` | `STATUS_DISABLED`); `GET /webhooks` lists them. Our assumptions (README, Bond):
 * `GET|PATCH|DELETE /webhooks/{id}`, an `id` field, and a `secret` in the create answer only. The reader
 * below is lenient about the answer's shape (a list or `{data: [...]}`, `id` or `webhook_id`).
 */
export interface BondWebhookSubscription {
  id: string;
  url: string;
  events: string[];
  status: string;
  version: string | null;
  description: string | null;
}

export interface NewBondWebhookSubscription {
  url: string;
  events: string[];
  description?: string;
  version?: string;
  status?: "STATUS_ENABLED" | "STATUS_DISABLED";
}

export interface BondWebhookApi {
  list(): Promise<BondWebhookSubscription[]>;
  /** `secret` is what Bond signs this subscription's webhooks with, when its answer carries one. */
  create(subscription: NewBondWebhookSubscription): Promise<BondWebhookSubscription & { secret: string | null }>;
  get(id: string): Promise<BondWebhookSubscription>;
  update(id: string, changes: Partial<NewBondWebhookSubscription>): Promise<BondWebhookSubscription>;
  delete(id: string): Promise<void>;
}

/** What we subscribe to: every KYC event (Bond's documented wildcard). */
export const KYC_WEBHOOK_EVENTS = ["kyc*"];
export const WEBHOOK_ENVELOPE_VERSION = "0.1";

function toSubscription(value: unknown): BondWebhookSubscription {
  const record = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const id = record.id ?? record.webhook_id ?? record.subscription_id;
  const url = record.url ?? record.callback_url;
  if (typeof id !== "string" && typeof id !== "number")
    throw new BondRequestError(502, "bad_response", "Bond's webhook subscription has no id.");
  return {
    id: String(id),
    url: typeof url === "string" ? url : "",
    events: Array.isArray(record.events) ? record.events.map(String) : [],
    status: typeof record.status === "string" ? record.status : "STATUS_ENABLED",
    version: typeof record.version === "string" ? record.version : null,
    description: typeof record.description === "string" ? record.description : null,
  };
}

function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const record = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  for (const key of ["data", "webhooks", "results", "items"]) if (Array.isArray(record[key])) return record[key] as unknown[];
  throw new BondRequestError(502, "bad_response", "Bond's webhook list is not a list.");
}

export function createBondWebhookApi(options: {
  baseUrl: string | (() => string);
  identity: string;
  authorization: string;
  timeoutMs: number;
}): BondWebhookApi {
  const baseUrl = typeof options.baseUrl === "function" ? options.baseUrl : () => options.baseUrl as string;
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: {
          Identity: options.identity,
          Authorization: options.authorization,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new BondUnavailableError("connection failed");
    }
    const text = await response.text().catch(() => "");
    const parsed = parseBondBody(text);
    if (response.ok) return parsed;
    if (response.status >= 500 || response.status === 429) throw new BondUnavailableError(`HTTP ${response.status}`);
    const error = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, unknown>;
    const message =
      typeof error.Message === "string"
        ? error.Message
        : typeof error.message === "string"
          ? error.message
          : `Bond answered HTTP ${response.status}`;
    throw new BondRequestError(response.status, textOf(error.Code) ?? textOf(error.code) ?? `http_${response.status}`, message);
  }
  const path = (id: string) => `/webhooks/${encodeURIComponent(id)}`;
  return {
    async list() {
      return toList(await call("GET", "/webhooks")).map(toSubscription);
    },
    async create(subscription) {
      const answer = await call("POST", "/webhooks", subscription);
      const secret = (answer as Record<string, unknown> | null)?.secret;
      return { ...toSubscription(answer), secret: typeof secret === "string" ? secret : null };
    },
    async get(id) {
      return toSubscription(await call("GET", path(id)));
    },
    async update(id, changes) {
      return toSubscription(await call("PATCH", path(id), changes));
    },
    async delete(id) {
      await call("DELETE", path(id));
    },
  };
}

/** Ids in one total order, so every instance keeps the same one: numerically when both are numbers, else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface EnsuredSubscription {
  subscription: BondWebhookSubscription;
  /** True when this call created it (Bond then issued a signing secret: `secret`). */
  created: boolean;
  secret: string | null;
  /** Duplicates for our URL that this call deleted. */
  deleted: string[];
}

/**
 * Makes sure Bond has exactly one enabled subscription to KYC events for `url`, however many instances
 * start at once: list; create one if there is none; list again and keep the smallest id for our URL,
 * deleting the others (every instance picks the same one, so they converge); enable it if disabled.
 * Other URLs' subscriptions are never touched.
 */
export async function ensureWebhookSubscription(api: BondWebhookApi, url: string, logger?: Logger): Promise<EnsuredSubscription> {
  const ours = async () => (await api.list()).filter((subscription) => subscription.url === url).sort((a, b) => compareIds(a.id, b.id));
  let existing = await ours();
  let created: (BondWebhookSubscription & { secret: string | null }) | null = null;
  if (existing.length === 0) {
    created = await api.create({
      url,
      events: KYC_WEBHOOK_EVENTS,
      description: "kyc-graphql: KYC events",
      version: WEBHOOK_ENVELOPE_VERSION,
      status: "STATUS_ENABLED",
    });
    existing = await ours();
    if (existing.length === 0) existing = [created];
  }
  const [keep, ...extra] = existing;
  const deleted: string[] = [];
  for (const duplicate of extra) {
    try {
      await api.delete(duplicate.id);
      deleted.push(duplicate.id);
    } catch (error) {
      // Another instance deleted it first.
      if (!(error instanceof BondRequestError && error.status === 404)) throw error;
    }
  }
  let subscription = keep;
  const coversKyc = subscription.events.some((event) => event === "kyc*" || event === "*");
  if (subscription.status !== "STATUS_ENABLED" || !coversKyc) {
    subscription = await api.update(subscription.id, {
      status: "STATUS_ENABLED",
      ...(coversKyc ? {} : { events: [...new Set([...subscription.events, ...KYC_WEBHOOK_EVENTS])] }),
    });
  }
  const wasCreated = created !== null && created.id === subscription.id;
  logger?.info(
    { webhookUrl: url, subscriptionId: subscription.id, created: wasCreated, deletedDuplicates: deleted.length },
    "Bond webhook subscription in place",
  );
  return { subscription, created: wasCreated, secret: wasCreated ? created!.secret : null, deleted };
}

/** A string or number from Bond's JSON as text; anything else is not a code. */
function textOf(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}
