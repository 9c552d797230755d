import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { ExecutionResult } from "graphql";
import { signToken } from "../../src/auth/token-verifier.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  url: string;
  webhookUrl: string;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  graphql<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<ExecutionResult<TResult>>;
  stop(): Promise<void>;
}

/**
 * Runs the real server (`src/main.ts`, compiled on the fly by SWC) as a child process, so a test can
 * SIGKILL it like a crash and start it again on the same database. Resolves once it prints its banner.
 */
export async function startAppProcess(env: Record<string, string>, jwtSecret: string): Promise<AppProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "DATABASE_URL" && name !== "NODE_OPTIONS"));
  const child = spawn(process.execPath, ["--import", "./scripts/swc-register.mjs", "src/main.ts"], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${output}`)), 90_000);
    const look = () => {
      const match = /GraphQL \(POST\)\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look); // the banner goes to stderr
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before starting:\n${output}`));
    });
  });
  const token = () => signToken({ secret: jwtSecret, issuer: "kyc-graphql", audience: "kyc-graphql" }, { sub: "test-service", scope: "kyc:service" }, 3600, new Date());
  return {
    child,
    url,
    webhookUrl: `${url}/webhooks/bond`,
    output: () => output,
    exited,
    async graphql(document, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await token()}` },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as ExecutionResult<any>;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
