import { Writable } from "node:stream";
import { print, type ExecutionResult } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app.js";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { loadConfig } from "../../src/config.js";
import { createTestDatabase } from "./test-database.js";

export interface TestApp extends App {
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** Moves the app's clock (idempotency windows, webhook timestamps). */
  advanceClock(ms: number): void;
  now(): Date;
  graphql<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables, headers?: Record<string, string>): Promise<ExecutionResult<TResult> & { status: number }>;
  /** A real graphql-ws client over a real WebSocket; closed with the app. */
  websocketClient(): Client;
  /** Posts a webhook body signed as Bond signs it. */
  postWebhook(body: unknown, options?: { secret?: string; timestamp?: number; raw?: string; signature?: string | null }): Promise<{ status: number; body: any }>;
}

/** Starts the real app on a random port with its own database and the embedded Bond sandbox. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "debug", SANDBOX_WEBHOOK_DELAY_MS: "20", ...env, ...(database.url ? { DATABASE_URL: database.url } : {}) });
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
  const app = await createApp(config, { clock, logStream });
  const clients: Client[] = [];

  return {
    ...app,
    logs,
    advanceClock(ms) {
      offset += ms;
    },
    now: clock,
    async graphql(document, variables, headers = {}) {
      const response = await fetch(app.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, ...((await response.json()) as ExecutionResult<any>) };
    },
    websocketClient() {
      const client = createClient({ url: app.websocketUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      return client;
    },
    async postWebhook(body, options = {}) {
      const raw = options.raw ?? JSON.stringify(body);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (options.signature !== null) {
        headers["Bond-Signature"] = options.signature ?? bondSignatureHeader(options.secret ?? app.webhookSecret, raw, options.timestamp ?? Math.floor(clock().getTime() / 1000));
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
      await Promise.all(clients.map((client) => client.dispose()));
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
    async waitFor(count: number, timeoutMs = 10_000): Promise<ExecutionResult<T>[]> {
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
