import type { Request, Response } from "express";
import type { z } from "zod";
import type { CustomerRecord, CustomerRequest } from "./customers.js";
import {
  bondTimestamp,
  DEFAULT_FAILURE_REASONS,
  OUTCOME_AFTER_DOCUMENT_REVIEW,
  outcomeForSsn,
  STATUS_AFTER_EVENT,
  type KycOutcome,
} from "./outcomes.js";
import { bondError, type Replies } from "./replies.js";
import {
  fieldErrors,
  kycDocumentsSchema,
  kycSubmissionSchema,
  simulateEventSchema,
  simulateFailSchema,
  simulatePassSchema,
} from "./schemas.js";
import type { WebhookSender } from "./webhooks.js";

/** KYC: submissions (with Bond's 24 h idempotency keys), documents, the status read and the /simulate endpoints. */

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export function createKycHandlers(context: {
  customers: Map<string, CustomerRecord>;
  clock: () => Date;
  replies: Replies;
  webhooks: WebhookSender;
  webhookDelayMs: number;
}) {
  const { customers, clock, webhooks, webhookDelayMs } = context;
  const { reply, customerNotFound } = context.replies;
  /** Idempotency keys of accepted KYC requests, with when they were accepted. */
  const idempotencyKeys = new Map<string, Date>();

  /**
   * Moves the customer's KYC state as the event being sent says. A pass is final, as at Bond: no later
   * event (e.g. a simulated failure) takes it back.
   */
  function applyOutcome(record: CustomerRecord, outcome: KycOutcome, occurredAt: Date): void {
    if (record.kyc.passedAt) return;
    const passed = outcome.event === "kyc.verification.success";
    const documents = Array.isArray(outcome.extra.documents) ? outcome.extra.documents.map(String) : [];
    record.kyc = {
      status: STATUS_AFTER_EVENT[outcome.event],
      passedAt: passed ? occurredAt : null,
      documents,
      documentsReceived: [],
      updatedAt: occurredAt,
    };
  }

  /** Queues an outcome webhook; its time and the state change are taken when it is sent. */
  function scheduleOutcome(record: CustomerRecord, outcome: KycOutcome): void {
    const customerId = record.body.customer_id;
    webhooks.enqueue(customerId, webhookDelayMs, () => {
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

  /** Checks in Bond's order: customer, earlier pass, idempotency key, body; then accepts. */
  function submitKyc(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    if (record.kyc.passedAt) {
      // Bond only says the refusal "returns the timestamp of the previously successful KYC"; this body is ours.
      const refusal = {
        ...bondError(409, "kyc_already_passed", "KYC has already passed for this customer."),
        kyc_passed_at: record.kyc.passedAt.toISOString(),
      };
      return reply(request, response, 409, refusal, customerId);
    }
    const now = clock();
    const idempotencyKey = request.get("Idempotency-Key") || undefined;
    if (idempotencyKey !== undefined && idempotencyKeyInUse(idempotencyKey, now)) {
      // Bond's documented body for this one case, which does not follow its usual error shape.
      const conflict = {
        type: "RESOURCE_CONFLICT",
        code: "idempotency_key_exists",
        message: "A request was made with this idempotency key in the past 24 hours",
      };
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
    webhooks.enqueue(customerId, webhookDelayMs, () => ({ customer_id: customerId, kyc_status: "submitted" }));
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
    if (!parsed.success)
      return reply(request, response, 400, bondError(400, "kyc_documents_schema", fieldErrors(parsed.error)), customerId);
    const given = Object.keys(parsed.data).filter((key) => parsed.data[key as keyof typeof parsed.data] !== undefined);
    if (given.length === 0)
      return reply(
        request,
        response,
        400,
        bondError(400, "kyc_documents_schema", { _schema: ["Send at least one document."] }),
        customerId,
      );
    const stillNeeded = kyc.documents.filter((name) => !kyc.documentsReceived.includes(name));
    const unwanted = given.filter((name) => !stillNeeded.includes(name));
    if (unwanted.length > 0) {
      const fields = Object.fromEntries(
        unwanted.map((name) => [name, [kyc.documents.includes(name) ? "Already submitted." : "Not requested."]]),
      );
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
    reply(
      request,
      response,
      200,
      {
        customer_id: customerId,
        kyc_status: status,
        kyc_passed_at: passedAt?.toISOString() ?? null,
        documents,
        updated_at: updatedAt.toISOString(),
      },
      customerId,
    );
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

  return { submitKyc, submitDocuments, getKycStatus, simulatePass, simulateFail, simulateEvent };
}
