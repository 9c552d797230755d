import express, { type Router } from "express";
import type { Logger } from "pino";
import { createCustomerHandlers, type CustomerRecord } from "./customers.js";
import { createFaultInjector, type BondFault, type SandboxFaults } from "./faults.js";
import { createKycHandlers } from "./kyc.js";
import { createReplies } from "./replies.js";
import { createWebhookSubscriptions } from "./webhook-subscriptions.js";
import { createWebhookSender } from "./webhooks.js";

/**
 * An in-process implementation of Bond's documented KYC API (customers, KYC, sandbox simulations and
 * signed webhooks), mounted at `/bond/api/v0.1`. Our Bond client talks to it over real HTTP exactly as
 * to Bond's own sandbox. Its state is Bond's state, kept in memory; it never keeps a full SSN (only
 * the outcome the SSN selects) and never logs a request body.
 *
 * This file wires the parts and the routes: customers.ts, kyc.ts, webhook-subscriptions.ts (Bond's
 * /webhooks), webhooks.ts (sending them), faults.ts, replies.ts (answers and Bond's error body).
 */

export interface BondSandboxOptions {
  /** The `Identity` header value it accepts. */
  identity: string;
  /** The `Authorization` header value it accepts. */
  authorization: string;
  /**
   * Signs every webhook (`Bond-Signature` header). Bond issues a secret per subscription; the sandbox
   * issues this one for each, so whoever configures the sandbox knows it (see README, Bond).
   */
  webhookSecret: string;
  /** The signed-string template (WEBHOOK_SIGNED_CONTENT); Bond's assumed convention by default. */
  webhookSignedContent?: string;
  /**
   * A subscription made outside the API (as in Bond's dashboard) for every KYC event, read at delivery
   * time (the port is known only after listen); undefined = none. Tests that drive the sandbox directly
   * use it; the app registers through `POST /webhooks` like it would with Bond.
   */
  webhookUrl?: () => string | undefined;
  /** Delay before each webhook (`submitted`, then the outcome another delay later). */
  webhookDelayMs: number;
  /** Injectable clock for the 24 h idempotency window, event times and signatures. */
  clock?: () => Date;
  /** Optional; it never receives an SSN or any request body. */
  logger?: Logger;
  /** Total attempts per webhook and the first back-off (doubled after each failure). */
  webhookRetry?: { attempts: number; baseDelayMs: number };
  /** Random source of the fault rates and webhook reordering (tests may fix it). */
  random?: () => number;
}

/** One answered request. No body, so no SSN. */
export interface SandboxRequest {
  method: string;
  /** Relative to the mount point, without the query string. */
  path: string;
  customerId?: string;
  idempotencyKey?: string;
  /** What the sandbox did (0 when a fault dropped or held the connection). */
  status: number;
  /** The status the client got instead, when an accept-then-fail fault answered for it. */
  answeredStatus?: number;
  /** An injected fault that answered for the sandbox. */
  fault?: BondFault["kind"];
  at: Date;
}

/** One webhook delivery attempt. */
export interface SandboxDelivery {
  body: Record<string, unknown>;
  status: number | "network-error";
  attempt: number;
  /** Where it was sent. */
  url: string;
  /** An extra copy sent by the duplicate-webhooks fault mode. */
  duplicate?: boolean;
}

/** A webhook subscription as the sandbox answers it (`GET /webhooks`); the create answer adds `secret`. */
export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  version: string;
  status: "STATUS_ENABLED" | "STATUS_DISABLED";
  date_created: string;
}

export interface BondSandbox {
  /** Mount at `/bond/api/v0.1`. */
  router: Router;
  /** Subscriptions made through `POST /webhooks`, oldest first. */
  subscriptions(): WebhookSubscription[];
  readonly requests: readonly SandboxRequest[];
  readonly deliveries: readonly SandboxDelivery[];
  /** Switchable fault modes (errors, timeouts, dropped connections, duplicated/reordered/lost webhooks). */
  faults: SandboxFaults;
  /** Accepted (2xx) `POST …/verification-kyc` calls for that customer. */
  kycSubmissionCount(customerId: string): number;
  /** Resolves when no webhook is scheduled or in flight. */
  idle(): Promise<void>;
  /** Cancels scheduled webhooks, waits for in-flight ones; idempotent. */
  close(): Promise<void>;
}

export function createBondSandbox(options: BondSandboxOptions): BondSandbox {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger;
  const customers = new Map<string, CustomerRecord>();
  const requests: SandboxRequest[] = [];
  const faults = createFaultInjector({
    random: options.random,
    onFault(request, fault) {
      const customerId = /^\/customers\/([^/]+)/.exec(request.path)?.[1];
      const idempotencyKey = request.get("Idempotency-Key") || undefined;
      requests.push({
        method: request.method,
        path: request.path,
        ...(customerId === undefined ? {} : { customerId }),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        status: fault.kind === "status" ? fault.status : 0,
        fault: fault.kind,
        at: clock(),
      });
    },
  });
  const replies = createReplies({ requests, faults, clock, logger, credentials: options });
  const subscriptions = createWebhookSubscriptions({
    clock,
    replies,
    webhookSecret: options.webhookSecret,
    outOfBandUrl: options.webhookUrl,
  });
  const webhooks = createWebhookSender({
    faults: () => faults.webhook,
    random: options.random,
    targets: subscriptions.targets,
    secret: options.webhookSecret,
    signedContent: options.webhookSignedContent,
    clock,
    retry: options.webhookRetry ?? { attempts: 5, baseDelayMs: 200 },
    logger,
  });
  const customer = createCustomerHandlers({ customers, clock, replies });
  const kyc = createKycHandlers({ customers, clock, replies, webhooks, webhookDelayMs: options.webhookDelayMs });

  const router = express.Router();
  router.use(replies.requireCredentials);
  // Documents carry base64 files: a larger limit on that one route (registered first, so it parses the body).
  router.use("/customers/:id/verification-kyc/documents", express.json({ limit: "32mb" }));
  router.use(express.json({ limit: "1mb" }));
  router.use(faults.middleware);
  router.post("/customers", customer.createCustomer); // also matches `/customers/` (non-strict routing)
  router.get("/customers/:id", customer.getCustomer);
  router.patch("/customers/:id", customer.updateCustomer);
  router.post("/customers/:id/verification-kyc", kyc.submitKyc);
  router.get("/customers/:id/verification-kyc", kyc.getKycStatus);
  router.post("/customers/:id/verification-kyc/documents", kyc.submitDocuments);
  router.post("/webhooks", subscriptions.createWebhook);
  router.get("/webhooks", subscriptions.listWebhooks);
  router.get("/webhooks/:id", subscriptions.getWebhook);
  router.patch("/webhooks/:id", subscriptions.updateWebhook);
  router.delete("/webhooks/:id", subscriptions.deleteWebhook);
  router.post("/simulate/kyc-pass", kyc.simulatePass);
  router.post("/simulate/kyc-fail", kyc.simulateFail);
  /** Our extension, not Bond's: sends any of the seven `kyc.verification.*` events, with extra fields. */
  router.post("/simulate/kyc-event", kyc.simulateEvent);
  router.use(replies.notFound);
  router.use(replies.handleError);

  return {
    router,
    requests,
    subscriptions: subscriptions.list,
    deliveries: webhooks.deliveries,
    faults,
    kycSubmissionCount: (customerId) => customers.get(customerId)?.acceptedKycSubmissions ?? 0,
    idle: () => webhooks.idle(),
    close: () => {
      faults.close();
      return webhooks.close();
    },
  };
}
