import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import {
  bondTimestamp,
  DEFAULT_FAILURE_REASONS,
  OUTCOME_AFTER_DOCUMENT_REVIEW,
  outcomeForSsn,
  STATUS_AFTER_EVENT,
  type KycOutcome,
  type KycStatusName,
} from "./outcomes.js";
import {
  customerChangesSchema,
  fieldErrors,
  kycDocumentsSchema,
  kycSubmissionSchema,
  newCustomerSchema,
  simulateEventSchema,
  simulateFailSchema,
  simulatePassSchema,
  newWebhookSchema,
  webhookChangesSchema,
  type BondAddressInput,
} from "./schemas.js";
import { createFaultInjector, type BondFault, type SandboxFaults } from "./faults.js";
import { createWebhookSender } from "./webhooks.js";

/**
 * An in-process implementation of Bond's documented KYC API (customers, KYC, sandbox simulations and
 * signed webhooks), mounted at `/bond/api/v0.1`. Our Bond client talks to it over real HTTP exactly as
 * to Bond's own sandbox. Its state is Bond's state, kept in memory; it never keeps a full SSN (only
 * the outcome the SSN selects) and never logs a request body.
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

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

type BondFieldErrors = Record<string, string[]>;

/** A request to `/customers/:id…`. */
type CustomerRequest = Request<{ id: string }>;

interface BondAddress {
  address_type: "MAILING" | "PHYSICAL";
  street: string;
  street2: string | null;
  city: string;
  state: string;
  zip_code: string;
  country: string;
  is_primary: boolean;
}

/** The customer as Bond returns it (no SSN: it is checked on the way in and dropped). */
interface CustomerBody {
  customer_id: string;
  date_created: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  dob: string;
  phone: string | null;
  phone_country_code: string | null;
  email: string | null;
  addresses: BondAddress[];
}

interface BondKycState {
  status: KycStatusName;
  passedAt: Date | null;
  /** When the status last changed. */
  updatedAt: Date;
  /** Documents asked for by the latest `document_required` event. */
  documents: string[];
  /** Of those, the ones received (names only: the files themselves are checked and dropped). */
  documentsReceived: string[];
}

interface CustomerRecord {
  body: CustomerBody;
  kyc: BondKycState;
  acceptedKycSubmissions: number;
}

/** Bond's error body. 5xx are "Server Error"; everything we answer below that is a "Request Error". */
function bondError(status: number, code: string, message: string | BondFieldErrors) {
  return { Message: message, Status: status, Code: code, Type: status >= 500 ? "Server Error" : "Request Error" };
}

/** Constant-time comparison of a header with the expected value (hashing evens out the lengths). */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function toAddresses(input: BondAddressInput[]): BondAddress[] {
  return input.map((address) => ({ ...address, street2: address.street2 ?? null }));
}

export function createBondSandbox(options: BondSandboxOptions): BondSandbox {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger;
  const customers = new Map<string, CustomerRecord>();
  /** Idempotency keys of accepted KYC requests, with when they were accepted. */
  const idempotencyKeys = new Map<string, Date>();
  const requests: SandboxRequest[] = [];
  const subscriptions = new Map<string, WebhookSubscription>();
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
  const webhooks = createWebhookSender({
    faults: () => faults.webhook,
    random: options.random,
    targets: webhookTargets,
    secret: options.webhookSecret,
    signedContent: options.webhookSignedContent,
    clock,
    retry: options.webhookRetry ?? { attempts: 5, baseDelayMs: 200 },
    logger,
  });

  /**
   * Where a webhook goes: every enabled subscription one of whose events matches it (`*` is a wildcard,
   * as in Bond's `kyc*`), plus the out-of-band URL. The `submitted` webhook has no event name; it goes
   * to every subscription that asks for any KYC event (our reading of Bond's KYC guide).
   */
  function webhookTargets(body: Record<string, unknown>): string[] {
    const matches = (pattern: string): boolean => {
      if (typeof body.event !== "string") return pattern.startsWith("kyc");
      const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
      return regex.test(body.event);
    };
    const urls = [...subscriptions.values()].filter((subscription) => subscription.status === "STATUS_ENABLED" && subscription.events.some(matches)).map((subscription) => subscription.url);
    const outOfBand = options.webhookUrl?.();
    if (outOfBand) urls.push(outOfBand);
    return [...new Set(urls)];
  }

  /** Every answer goes through here, so each one is recorded (before the client can see it) and logged. */
  function reply(request: Request, response: Response, status: number, body: unknown, customerId?: string): void {
    const idempotencyKey = request.get("Idempotency-Key") || undefined;
    const answeredStatus = faults.overrideStatus(response);
    requests.push({
      method: request.method,
      path: request.path,
      ...(customerId === undefined ? {} : { customerId }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      status,
      ...(answeredStatus === undefined ? {} : { answeredStatus, fault: "accept-then-fail" as const }),
      at: clock(),
    });
    logger?.debug({ method: request.method, path: request.path, status, answeredStatus }, "bond sandbox request");
    if (answeredStatus !== undefined) {
      response.status(answeredStatus).json(bondError(answeredStatus, "sandbox_fault", "Injected fault (the request was carried out)."));
      return;
    }
    response.status(status).json(body);
  }

  function customerNotFound(request: Request, response: Response, customerId: string): void {
    reply(request, response, 404, bondError(404, "customer_dne", "Customer not found"), customerId);
  }

  // --- KYC state and outcome events -------------------------------------------------------------

  /**
   * Moves the customer's KYC state as the event being sent says. A pass is final, as at Bond: no later
   * event (e.g. a simulated failure) takes it back.
   */
  function applyOutcome(record: CustomerRecord, outcome: KycOutcome, occurredAt: Date): void {
    if (record.kyc.passedAt) return;
    const passed = outcome.event === "kyc.verification.success";
    const documents = Array.isArray(outcome.extra.documents) ? outcome.extra.documents.map(String) : [];
    record.kyc = { status: STATUS_AFTER_EVENT[outcome.event], passedAt: passed ? occurredAt : null, documents, documentsReceived: [], updatedAt: occurredAt };
  }

  /** Queues an outcome webhook; its time and the state change are taken when it is sent. */
  function scheduleOutcome(record: CustomerRecord, outcome: KycOutcome): void {
    const customerId = record.body.customer_id;
    webhooks.enqueue(customerId, options.webhookDelayMs, () => {
      const occurredAt = clock();
      applyOutcome(record, outcome, occurredAt);
      return { event: outcome.event, customer_id: customerId, occurred_at: bondTimestamp(occurredAt), ...outcome.extra };
    });
  }

  function idempotencyKeyInUse(key: string, now: Date): boolean {
    for (const [seenKey, acceptedAt] of idempotencyKeys) {
      if (now.getTime() - acceptedAt.getTime() >= IDEMPOTENCY_WINDOW_MS) idempotencyKeys.delete(seenKey);
    }
    return idempotencyKeys.has(key);
  }

  // --- Handlers ----------------------------------------------------------------------------------

  function requireCredentials(request: Request, response: Response, next: NextFunction): void {
    if (sameSecret(request.get("Identity"), options.identity) && sameSecret(request.get("Authorization"), options.authorization)) return next();
    reply(request, response, 401, bondError(401, "unauthorized", "Invalid credentials"));
  }

  function createCustomer(request: Request, response: Response): void {
    const parsed = newCustomerSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "customer_post_schema", fieldErrors(parsed.error)));
    const { first_name, middle_name, last_name, dob, phone, phone_country_code, email, addresses } = parsed.data; // ssn left behind
    const body: CustomerBody = {
      customer_id: randomUUID(),
      date_created: clock().toISOString(),
      first_name,
      middle_name: middle_name ?? null,
      last_name,
      dob,
      phone: phone ?? null,
      phone_country_code: phone_country_code ?? null,
      email: email ?? null,
      addresses: toAddresses(addresses ?? []),
    };
    customers.set(body.customer_id, { body, kyc: { status: "not_started", passedAt: null, documents: [], documentsReceived: [], updatedAt: clock() }, acceptedKycSubmissions: 0 });
    reply(request, response, 201, body, body.customer_id);
  }

  function getCustomer(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    reply(request, response, 200, record.body, customerId);
  }

  function updateCustomer(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    if (record.kyc.passedAt) {
      return reply(request, response, 400, bondError(400, "kyc_customer", "Customer information cannot be updated after KYC has passed."), customerId);
    }
    // Bond's code for an invalid PATCH body is unconfirmed; this mirrors `customer_post_schema`.
    const parsed = customerChangesSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "customer_patch_schema", fieldErrors(parsed.error)), customerId);
    const { ssn: _ssn, addresses, ...changes } = parsed.data; // the SSN is checked, never stored
    const definedChanges = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    record.body = { ...record.body, ...definedChanges, ...(addresses ? { addresses: toAddresses(addresses) } : {}) };
    reply(request, response, 200, record.body, customerId);
  }

  /** Checks in Bond's order: customer, earlier pass, idempotency key, body; then accepts. */
  function submitKyc(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    if (record.kyc.passedAt) {
      // Bond only says the refusal "returns the timestamp of the previously successful KYC"; this body is ours.
      const refusal = { ...bondError(409, "kyc_already_passed", "KYC has already passed for this customer."), kyc_passed_at: record.kyc.passedAt.toISOString() };
      return reply(request, response, 409, refusal, customerId);
    }
    const now = clock();
    const idempotencyKey = request.get("Idempotency-Key") || undefined;
    if (idempotencyKey !== undefined && idempotencyKeyInUse(idempotencyKey, now)) {
      // Bond's documented body for this one case, which does not follow its usual error shape.
      const conflict = { type: "RESOURCE_CONFLICT", code: "idempotency_key_exists", message: "A request was made with this idempotency key in the past 24 hours" };
      return reply(request, response, 409, conflict, customerId);
    }
    const parsed = kycSubmissionSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "kyc_post_schema", fieldErrors(parsed.error)), customerId);

    // Only the outcome the SSN selects is kept; the SSN itself goes no further than this line.
    const outcome = outcomeForSsn(parsed.data.ssn);
    if (idempotencyKey !== undefined) idempotencyKeys.set(idempotencyKey, now);
    record.acceptedKycSubmissions += 1;
    record.kyc = { status: "submitted", passedAt: null, documents: [], documentsReceived: [], updatedAt: now };
    reply(request, response, 201, { customer_id: customerId, program_id: parsed.data.program_id, kyc_status: "submitted" }, customerId);
    webhooks.enqueue(customerId, options.webhookDelayMs, () => ({ customer_id: customerId, kyc_status: "submitted" }));
    scheduleOutcome(record, outcome);
  }

  /**
   * Supporting documents. Only documents asked for and not yet received are taken; once all are in,
   * Bond's documented sequence follows: `under_review`, then the outcome (here always a pass; the
   * simulate endpoints force anything else). Files are validated and dropped, never kept or logged.
   */
  function submitDocuments(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    const { kyc } = record;
    // Bond's code for documents it did not ask for is unconfirmed; `kyc_documents` is ours.
    if (kyc.status !== "document_required") {
      return reply(request, response, 400, bondError(400, "kyc_documents", "No documents are required for this customer."), customerId);
    }
    const parsed = kycDocumentsSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "kyc_documents_schema", fieldErrors(parsed.error)), customerId);
    const given = Object.keys(parsed.data).filter((key) => parsed.data[key as keyof typeof parsed.data] !== undefined);
    if (given.length === 0) return reply(request, response, 400, bondError(400, "kyc_documents_schema", { _schema: ["Send at least one document."] }), customerId);
    const stillNeeded = kyc.documents.filter((name) => !kyc.documentsReceived.includes(name));
    const unwanted = given.filter((name) => !stillNeeded.includes(name));
    if (unwanted.length > 0) {
      const fields = Object.fromEntries(unwanted.map((name) => [name, [kyc.documents.includes(name) ? "Already submitted." : "Not requested."]]));
      return reply(request, response, 400, bondError(400, "kyc_documents", fields), customerId);
    }
    kyc.documentsReceived.push(...given);
    reply(request, response, 200, { customer_id: customerId, num_documents_submitted: given.length }, customerId);
    if (kyc.documents.every((name) => kyc.documentsReceived.includes(name))) {
      scheduleOutcome(record, { event: "kyc.verification.under_review", extra: {} });
      scheduleOutcome(record, OUTCOME_AFTER_DOCUMENT_REVIEW);
    }
  }

  function getKycStatus(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    const { status, passedAt, documents, updatedAt } = record.kyc;
    // `updated_at` is our addition (Bond's body for this read is undocumented): when the status last changed.
    reply(request, response, 200, { customer_id: customerId, kyc_status: status, kyc_passed_at: passedAt?.toISOString() ?? null, documents, updated_at: updatedAt.toISOString() }, customerId);
  }

  /**
   * The simulation endpoints share one shape: parse the body, find the customer, answer
   * `{customer_id, event}` and send the chosen outcome after the usual delay.
   */
  function simulate<T extends { customer_id: string }>(schema: z.ZodType<T>, chooseOutcome: (body: T) => KycOutcome) {
    return (request: Request, response: Response): void => {
      const parsed = schema.safeParse(request.body ?? {});
      if (!parsed.success) return reply(request, response, 400, bondError(400, "simulate_post_schema", fieldErrors(parsed.error)));
      const customerId = parsed.data.customer_id;
      const record = customers.get(customerId);
      if (!record) return customerNotFound(request, response, customerId);
      const outcome = chooseOutcome(parsed.data);
      reply(request, response, 200, { customer_id: customerId, event: outcome.event }, customerId);
      scheduleOutcome(record, outcome);
    };
  }

  const simulatePass = simulate(simulatePassSchema, (): KycOutcome => ({ event: "kyc.verification.success", extra: {} }));
  const simulateFail = simulate(simulateFailSchema, (body): KycOutcome => ({
    event: "kyc.verification.failure",
    extra: { reasons: body.reasons ?? { ...DEFAULT_FAILURE_REASONS } },
  }));
  const simulateEvent = simulate(simulateEventSchema, (body): KycOutcome => {
    // customer_id, event and occurred_at are always set by the sandbox; everything else is passed through.
    const { customer_id: _customerId, event, occurred_at: _occurredAt, ...extra } = body;
    if (event === "kyc.verification.failure") extra.reasons ??= { ...DEFAULT_FAILURE_REASONS };
    if (event === "kyc.verification.document_required") extra.documents ??= ["government_id"];
    return { event, extra };
  });

  // --- Webhook subscriptions (Bond's /webhooks) ---------------------------------------------------

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
    reply(request, response, 201, { ...subscription, secret: options.webhookSecret });
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

  function notFound(request: Request, response: Response): void {
    reply(request, response, 404, bondError(404, "not_found", "The requested URL was not found."));
  }

  /** Body-parser failures in Bond's shape. Never logs the error message: JSON errors quote the body. */
  function handleError(error: unknown, request: Request, response: Response, _next: NextFunction): void {
    const type = typeof error === "object" && error && "type" in error ? String(error.type) : "";
    const status = typeof error === "object" && error && "status" in error && typeof error.status === "number" ? error.status : 500;
    if (type === "entity.parse.failed") return reply(request, response, 400, bondError(400, "invalid_json", "The request body is not valid JSON."));
    if (type === "entity.too.large") return reply(request, response, 413, bondError(413, "payload_too_large", "The request body is too large."));
    if (status >= 400 && status < 500) return reply(request, response, status, bondError(status, "bad_request", "The request could not be read."));
    logger?.error({ errorName: error instanceof Error ? error.name : typeof error, path: request.path }, "bond sandbox request failed");
    reply(request, response, 500, bondError(500, "internal_error", "Internal server error."));
  }

  const router = express.Router();
  router.use(requireCredentials);
  // Documents carry base64 files: a larger limit on that one route (registered first, so it parses the body).
  router.use("/customers/:id/verification-kyc/documents", express.json({ limit: "32mb" }));
  router.use(express.json({ limit: "1mb" }));
  router.use(faults.middleware);
  router.post("/customers", createCustomer); // also matches `/customers/` (non-strict routing)
  router.get("/customers/:id", getCustomer);
  router.patch("/customers/:id", updateCustomer);
  router.post("/customers/:id/verification-kyc", submitKyc);
  router.get("/customers/:id/verification-kyc", getKycStatus);
  router.post("/customers/:id/verification-kyc/documents", submitDocuments);
  router.post("/webhooks", createWebhook);
  router.get("/webhooks", listWebhooks);
  router.get("/webhooks/:id", getWebhook);
  router.patch("/webhooks/:id", updateWebhook);
  router.delete("/webhooks/:id", deleteWebhook);
  router.post("/simulate/kyc-pass", simulatePass);
  router.post("/simulate/kyc-fail", simulateFail);
  /** Our extension, not Bond's: sends any of the seven `kyc.verification.*` events, with extra fields. */
  router.post("/simulate/kyc-event", simulateEvent);
  router.use(notFound);
  router.use(handleError);

  return {
    router,
    requests,
    subscriptions: () => [...subscriptions.values()],
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
