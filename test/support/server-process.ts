import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { print, type ExecutionResult } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { signToken } from "../../src/auth/token-verifier.js";
import { bondSignatureHeader } from "../../src/bond/webhook-signature.js";
import { TEST_JWT_SECRET, TEST_SERVICE_SCOPE } from "./test-app.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Makes sure dist/ is current (`npm run build`, skipped when nothing changed; the global setup built it already). */
export function buildServer(): void {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--if-stale"], { cwd: ROOT, stdio: "inherit" });
}

export interface ServerProcess {
  pid: number;
  url: string;
  graphqlUrl: string;
  websocketUrl: string;
  webhookUrl: string;
  webhookSecret: string;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  graphql<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<ExecutionResult<TResult>>;
  websocketClient(): Client;
  postWebhook(body: unknown): Promise<{ status: number; body: any }>;
  /** Sends a signal and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/src/main.js` (the built server, as production runs it) on a free port and resolves
 * once it prints where it listens. `env` is added to a minimal environment (no DATABASE_URL = PGlite).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "kyc-process-"));
  const webhookSecret = env.BOND_WEBHOOK_SECRET ?? randomBytes(16).toString("hex");
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "dist/src/main.js")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir, SANDBOX_WEBHOOK_DELAY_MS: "20", BOND_WEBHOOK_SECRET: webhookSecret, AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /GraphQL \(POST\)\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check); // the banner goes to stderr
    void exited.then((code) => fail(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  const clients: Client[] = [];
  // A service token, as the in-process test apps send by default.
  const token = await signToken({ secret: TEST_JWT_SECRET, issuer: "kyc-graphql", audience: "kyc-graphql" }, { sub: "test-service", scope: TEST_SERVICE_SCOPE }, 3600, new Date());
  return {
    pid: child.pid!,
    url,
    graphqlUrl: `${url}/graphql`,
    websocketUrl: `${url.replace(/^http/, "ws")}/graphql`,
    webhookUrl: `${url}/webhooks/bond`,
    webhookSecret,
    output: () => output,
    exited,
    async graphql(document, variables) {
      const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: print(document), variables }) });
      return (await response.json()) as ExecutionResult<any>;
    },
    websocketClient() {
      const client = createClient({ url: `${url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${token}` } });
      clients.push(client);
      return client;
    },
    async postWebhook(body) {
      const raw = JSON.stringify(body);
      const response = await fetch(`${url}/webhooks/bond`, {
        method: "POST",
        headers: { "content-type": "application/json", "Bond-Signature": bondSignatureHeader(webhookSecret, raw, Math.floor(Date.now() / 1000)) },
        body: raw,
      });
      return { status: response.status, body: await response.json() };
    },
    async stop(signal = "SIGTERM") {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      await Promise.all(clients.map((client) => client.dispose()));
      return { code, ms: Date.now() - started };
    },
  };
}
