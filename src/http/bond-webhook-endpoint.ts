import type { IncomingMessage, ServerResponse } from "node:http";
import { context as otelContext, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.js";
import { beginRequest, runInRequest } from "../observability/request-context.js";
import { BOND_WEBHOOK_PATH, WEBHOOK_BODY_LIMIT_BYTES, type BondWebhookSteps, type WebhookAnswer } from "./bond-webhook.route.js";
import { sendError } from "./error-handler.js";
import { sendJson } from "./respond.js";

/** An error as body-parser reports one: its HTTP status (413 too large, 400 anything else), for `sendError`. */
class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The raw body, read as `express.raw({ limit })` reads an unencoded one (raw-body): none without a length or
 * chunked encoding; refused (413) when its declared length or what arrives passes the limit; 400 when it
 * ends short of its declared length or is aborted. On an error the rest of the request is read off first.
 */
function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers["content-length"];
  if (request.headers["transfer-encoding"] === undefined && (declared === undefined || Number.isNaN(Number(declared))))
    return Promise.resolve(Buffer.alloc(0));
  const length = declared === undefined || Number.isNaN(Number(declared)) ? null : Number.parseInt(declared, 10);
  return new Promise((resolve, reject) => {
    const fail = (error: BodyError) => {
      request.removeListener("data", onData);
      request.removeListener("end", onEnd);
      if (request.complete || request.destroyed) return reject(error);
      request.once("end", () => reject(error)).once("close", () => reject(error));
      request.resume();
    };
    const chunks: Buffer[] = [];
    let received = 0;
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > limit) fail(new BodyError(413, "request entity too large"));
      else chunks.push(chunk);
    }
    function onEnd() {
      if (length !== null && received !== length) return fail(new BodyError(400, "request size did not match content length"));
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    }
    if (length !== null && length > limit) return fail(new BodyError(413, "request entity too large"));
    request.on("data", onData).once("end", onEnd);
    request.once("aborted", () => fail(new BodyError(400, "request aborted")));
    request.once("error", (error) => fail(new BodyError(400, error.message)));
  });
}

export interface BondWebhookEndpointOptions {
  steps: BondWebhookSteps;
  /** The client's address as Express reads it (its `trust proxy` setting). */
  clientIp: (request: IncomingMessage) => string | undefined;
  /** The access line (see `requestContextMiddleware`). */
  accessLogger: Logger;
  /** The error handler's logger. */
  logger: Logger;
  tracer: Tracer;
  metrics: Metrics;
}

/**
 * Bond's webhook in front of Express: takes a POST to exactly BOND_WEBHOOK_PATH with an unencoded body and
 * returns true, or returns false and leaves the request to Express (which answers the rest the same way). Does
 * what Express's chain does for it — request id and access line, the webhook metrics, the server span, the
 * source check, the raw body with its limit, the route, the error handler's answers — without Express's
 * per-request cost (BENCHMARKS.md, "Webhook ingest").
 */
export function bondWebhookEndpoint(options: BondWebhookEndpointOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { steps, clientIp, accessLogger, logger, tracer, metrics } = options;
  return (request, response) => {
    if (request.method !== "POST") return false;
    const url = request.url ?? "";
    if (
      !url.startsWith(BOND_WEBHOOK_PATH) ||
      (url.length !== BOND_WEBHOOK_PATH.length && url.charCodeAt(BOND_WEBHOOK_PATH.length) !== 63) /* ? */
    )
      return false;
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.toLowerCase() !== "identity") return false; // body-parser inflates it
    // requestContextMiddleware's work.
    const requestId = beginRequest(request, response, accessLogger, BOND_WEBHOOK_PATH);
    // webhookMetricsMiddleware's work: the event's label, and the outcome the answer names (else its status).
    let event: string | null = null;
    let outcome: string | null = null;
    response.on("finish", () =>
      metrics.webhookEvents.inc({ event: event ?? "unknown", outcome: outcome ?? `http_${response.statusCode}` }),
    );
    const label = (name: string) => (event = name);
    const send = (answer: WebhookAnswer) => {
      const value =
        typeof answer.body.result === "string" ? answer.body.result : typeof answer.body.code === "string" ? answer.body.code : null;
      if (value) outcome = value.toLowerCase();
      if (answer.retryAfter !== undefined) response.setHeader("Retry-After", answer.retryAfter);
      sendJson(response, answer.status, answer.body);
    };
    const fail = (error: unknown) => {
      if (response.headersSent) return void response.destroy(error instanceof Error ? error : undefined);
      sendError(response, error, logger);
    };
    runInRequest(requestId, () => {
      // serverSpanMiddleware's work.
      const span = tracer.startSpan("bond webhook", {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": "POST", "url.path": BOND_WEBHOOK_PATH },
      });
      response.on("finish", () => {
        span.setAttribute("http.response.status_code", response.statusCode);
        if (event !== null) span.setAttribute("bond.webhook.event", event);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      otelContext.with(trace.setSpan(otelContext.active(), span), () => {
        const ip = clientIp(request);
        const refused = steps.checkSource(ip);
        if (refused) return void refused.then(send, fail);
        const signature = request.headers["bond-signature"] as string | undefined; // repeated, Node joins them with ", "
        readRawBody(request, WEBHOOK_BODY_LIMIT_BYTES)
          .then((rawBody) => steps.handle(ip, signature, rawBody, label))
          .then(send, fail);
      });
    });
    return true;
  };
}
