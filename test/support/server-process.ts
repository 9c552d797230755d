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
import { CreateCustomerDocument, KycStatusChangedDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { newCustomerInput } from "./fixtures.js";
import { collect, TEST_JWT_SECRET, TEST_SERVICE_SCOPE } from "./test-app.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Makes sure dist/ is current (`npm run build`, skipped when nothing changed; the global setup built it already). */
export function buildServer(): void {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--if-stale"], { cwd: ROOT, stdio: "inherit" });
}

export interface ServerProcessOptions {
  /**
   * "built" (default): `node dist/src/main.js`, as production runs it. "source": `src/main.ts` compiled on the
   * fly by SWC (no build, slower to start), e.g. to restart it under a fault switch.
   */
  entry?: "built" | "source";
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  graphqlUrl: string;
  websocketUrl: string;
  webhookUrl: string;
  webhookSecret: string;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  /** With a service token signed with its AUTH_JWT_SECRET (TEST_JWT_SECRET unless `env` set another). */
  graphql<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<ExecutionResult<TResult>>;
  websocketClient(): Client;
  postWebhook(body: unknown): Promise<{ status: number; body: any }>;
  /** Sends a signal (if it still runs) and resolves with how it ended (code null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the real server as a child process on a free port (a test can SIGKILL it like a crash and start another on
 * the same database) and resolves once it prints where it listens. `env` is added to a minimal environment: PATH,
 * NODE_ENV=test, PORT=0, LOG_LEVEL=info, a fresh DATA_DIR (removed when it exits), TEST_JWT_SECRET, a random
 * BOND_WEBHOOK_SECRET and a 20 ms sandbox webhook delay. No DATABASE_URL = PGlite.
 */
export async function startServerProcess(env: Record<string, string>, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const ownDataDir = env.DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "kyc-process-")) : undefined;
  const webhookSecret = env.BOND_WEBHOOK_SECRET ?? randomBytes(16).toString("hex");
  const jwtSecret = env.AUTH_JWT_SECRET || TEST_JWT_SECRET;
  const command = options.entry === "source" ? ["--import", "./scripts/swc-register.mjs", "src/main.ts"] : [join(ROOT, "dist/src/main.js")];
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: "0",
      LOG_LEVEL: "info",
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      SANDBOX_WEBHOOK_DELAY_MS: "20",
      BOND_WEBHOOK_SECRET: webhookSecret,
      AUTH_JWT_SECRET: jwtSecret,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  if (ownDataDir) void exited.then(() => rmSync(ownDataDir, { recursive: true, force: true }));

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start in time:\n${output}`)), 90_000);
    const check = () => {
      const match = /GraphQL \(POST\)\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check); // the banner goes to stderr
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const clients: Client[] = [];
  // A service token, as the in-process test apps send by default; signed on first use.
  let token: Promise<string> | undefined;
  const serviceToken = () =>
    (token ??= signToken(
      { secret: jwtSecret, issuer: "kyc-graphql", audience: "kyc-graphql" },
      { sub: "test-service", scope: TEST_SERVICE_SCOPE },
      3600,
      new Date(),
    ));
  return {
    child,
    pid: child.pid!,
    url,
    graphqlUrl: `${url}/graphql`,
    websocketUrl: `${url.replace(/^http/, "ws")}/graphql`,
    webhookUrl: `${url}/webhooks/bond`,
    webhookSecret,
    output: () => output,
    exited,
    async graphql(document, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await serviceToken()}` },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as ExecutionResult<any>;
    },
    websocketClient() {
      const client = createClient({
        url: `${url.replace(/^http/, "ws")}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: async () => ({ authorization: `Bearer ${await serviceToken()}` }),
      });
      clients.push(client);
      return client;
    },
    async postWebhook(body) {
      const raw = JSON.stringify(body);
      const response = await fetch(`${url}/webhooks/bond`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "Bond-Signature": bondSignatureHeader(webhookSecret, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      return { status: response.status, body: await response.json() };
    },
    async stop(signal = "SIGTERM") {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const ended = await exited;
      await Promise.all(clients.map(async (client) => client.dispose()));
      return { ...ended, ms: Date.now() - started };
    },
  };
}

/** Creates a customer through one server process (a service token); its id. */
export async function createCustomerOn(server: ServerProcess): Promise<string> {
  const result = await server.graphql(CreateCustomerDocument, { input: newCustomerInput() });
  if (!result.data) throw new Error(`createCustomer failed: ${JSON.stringify(result.errors)}`);
  return result.data.createCustomer.id;
}

/** A real graphql-ws subscriber of one customer's status on one server process. */
export function subscribeOn(server: ServerProcess, customerId: string) {
  return collect<KycStatusChangedSubscription>(
    server.websocketClient().iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<
      ExecutionResult<KycStatusChangedSubscription>
    >,
  );
}

/** What a subscriber received, as [status, version] pairs. */
export const statusesOf = (messages: ReturnType<typeof subscribeOn>) =>
  messages.received.map((message) => [message.data?.kycStatusChanged.status, message.data?.kycStatusChanged.version]);
