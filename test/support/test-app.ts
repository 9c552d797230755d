import { Writable } from "node:stream";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { print, type ExecutionResult } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app.js";
import { signToken } from "../../src/auth/token-verifier.js";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { loadConfig } from "../../src/config.js";
import { createTestDatabase } from "./test-database.js";

/** The HS256 secret test apps verify tokens with (tests sign their own tokens, as an identity provider would). */
export const TEST_JWT_SECRET = "test-secret-for-kyc-graphql-tokens-0123456789";
export const TEST_SERVICE_SCOPE = "kyc:service";

export interface TestApp extends App {
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** Moves the app's clock (idempotency windows, webhook timestamps). */
  advanceClock(ms: number): void;
  now(): Date;
  /**
   * Runs an operation over HTTP. Sends a fresh service token unless `headers` has an `authorization`
   * (an empty one sends none).
   */
  graphql<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<TResult> & { status: number; headers: Headers }>;
  /** POSTs a raw body to /graphql (a service token unless `headers` has an `authorization`); `json` is undefined when the answer is not JSON. */
  postGraphQL(body: string, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Headers }>;
  /** A real graphql-ws client over a real WebSocket, authenticated as a service unless `token` says otherwise (null = none); closed with the app. */
  websocketClient(options?: { token?: string | null; lazy?: boolean }): Client;
  /** A service token (all access) signed with the test secret, valid for `expiresInSeconds` of the app's clock. */
  serviceToken(expiresInSeconds?: number): Promise<string>;
  /** A token for one customer (frontend), signed with the test secret. */
  customerToken(customerId: string, expiresInSeconds?: number): Promise<string>;
  /** `{ authorization: "Bearer …" }` for a customer's token. */
  asCustomer(customerId: string): Promise<Record<string, string>>;
  /** `{ authorization: "Bearer …" }` with a service token (for hand-made requests). */
  asService(): Promise<Record<string, string>>;
  /** Posts a webhook body signed as Bond signs it. */
  postWebhook(
    body: unknown,
    options?: { secret?: string; timestamp?: number; raw?: string; signature?: string | null },
  ): Promise<{ status: number; body: any }>;
}

/** Starts the real app on a random port with its own database and the embedded Bond sandbox. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { routeDatabaseUrl?: (url: string) => string; spanProcessors?: SpanProcessor[] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  // A test may put something (e.g. a TCP proxy it can cut) between the app and its real Postgres.
  const databaseUrl = database.url && options.routeDatabaseUrl ? options.routeDatabaseUrl(database.url) : database.url;
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "debug",
    SANDBOX_WEBHOOK_DELAY_MS: "20",
    // Quick retries against a down Bond, so suites that make it fail do not wait out production budgets.
    BOND_RETRY_BUDGET_MS: "2000",
    BOND_RETRY_BASE_DELAY_MS: "10",
    BOND_RETRY_MAX_DELAY_MS: "100",
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    // Generous budgets: suites that test limits set their own.
    SUBMIT_KYC_RATE_LIMIT_PER_MINUTE: "1000",
    IP_RATE_LIMIT_PER_MINUTE: "10000",
    ...env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  config.dataDir = null;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await createApp(config, { clock, logStream, spanProcessors: options.spanProcessors });
  const clients: Client[] = [];
  const tokenSettings = { secret: config.auth.jwtSecret ?? TEST_JWT_SECRET, issuer: config.auth.issuer, audience: config.auth.audience };
  const serviceToken = (expiresInSeconds = 3600) =>
    signToken(tokenSettings, { sub: "test-service", scope: TEST_SERVICE_SCOPE }, expiresInSeconds, clock());
  const customerToken = (customerId: string, expiresInSeconds = 3600) =>
    signToken(tokenSettings, { sub: customerId }, expiresInSeconds, clock());

  return {
    ...app,
    logs,
    advanceClock(ms) {
      offset += ms;
    },
    now: clock,
    serviceToken,
    customerToken,
    async asService() {
      return { authorization: `Bearer ${await serviceToken()}` };
    },
    async asCustomer(customerId) {
      return { authorization: `Bearer ${await customerToken(customerId)}` };
    },
    async graphql(document, variables, headers = {}) {
      const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
      const authorization: Record<string, string> = hasAuthorization ? {} : { authorization: `Bearer ${await serviceToken()}` };
      const response = await fetch(app.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...authorization, ...headers },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, headers: response.headers, ...((await response.json()) as ExecutionResult<any>) };
    },
    async postGraphQL(body, headers = {}) {
      const response = await fetch(app.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await serviceToken()}`, ...headers },
        body,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text, headers: response.headers };
    },
    websocketClient(options = {}) {
      const client = createClient({
        url: app.websocketUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: options.lazy ?? true,
        // Read when the socket opens, so the token is signed with the app's clock at that moment.
        connectionParams: async () => {
          const token = options.token === undefined ? await serviceToken() : options.token;
          return token === null ? {} : { authorization: `Bearer ${token}` };
        },
      });
      clients.push(client);
      return client;
    },
    async postWebhook(body, options = {}) {
      const raw = options.raw ?? JSON.stringify(body);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (options.signature !== null) {
        headers["Bond-Signature"] =
          options.signature ??
          bondSignatureHeader(options.secret ?? app.webhookSecret, raw, options.timestamp ?? Math.floor(clock().getTime() / 1000));
      }
      const response = await fetch(app.webhookUrl, { method: "POST", headers, body: raw });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      return { status: response.status, body: parsed };
    },
    async close() {
      await Promise.all(clients.map(async (client) => client.dispose()));
      await app.close();
      await database.drop();
    },
  };
}

/** Collects a subscription's messages as they arrive; `next(n)` waits for the n-th. */
export function collect<T>(iterator: AsyncIterableIterator<ExecutionResult<T>>) {
  const received: ExecutionResult<T>[] = [];
  const waiters: Array<() => void> = [];
  const done = (async () => {
    for await (const message of iterator) {
      received.push(message);
      waiters.splice(0).forEach((wake) => wake());
    }
  })();
  return {
    received,
    done,
    async waitFor(count: number, timeoutMs = 30_000): Promise<ExecutionResult<T>[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${received.length}: ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received.slice(0, count);
    },
    stop: () => iterator.return?.(),
  };
}
