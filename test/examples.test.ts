import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerDocument } from "./gql/graphql.js";
import { startTestApp, type TestApp } from "./support/test-app.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

/** Runs examples/kyc-client.ts in its own Node process, as `npm run example` does. */
function runExample(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, "examples/kyc-client.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const statusLines = (stdout: string) =>
  [...stdout.matchAll(/status (\w+) v(\d+): (.*)$/gm)].map((match) => `${match[1]} v${match[2]}: ${match[3]}`);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("examples/kyc-client.ts (npm run example)", () => {
  it("creates a customer, submits KYC, survives a dropped WebSocket (re-subscribes after the last version seen) and prints every change to the outcome once", async () => {
    const run = await runExample({ KYC_API_URL: app.graphqlUrl, KYC_TOKEN: await app.serviceToken(), KYC_TIMEOUT_MS: "30000" });
    expect(run.stderr, run.stdout).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(statusLines(run.stdout)).toEqual([
      "NOT_STARTED v0: current status",
      "SUBMITTED v1: NOT_STARTED → SUBMITTED (kyc.submitted)",
      "PASSED v2: SUBMITTED → PASSED (kyc.verification.success)",
    ]);
    expect(run.stdout).toMatch(
      /simulating a dropped connection[\s\S]*connection closed \(4499: Terminated\)[\s\S]*reconnected \(connection 2\); graphql-ws re-subscribes after version 1/,
    );
    const customerId = /created customer ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
    expect(customerId).toBeDefined();
    expect((await app.graphql(CustomerDocument, { id: customerId! })).data?.customer?.kycStatus).toBe("PASSED");
    expect(run.stdout).toMatch(/outcome: PASSED; customer now PASSED \(passed at /);
  });

  it("stops at a non-passing outcome chosen by a sandbox SSN, without the simulated drop", async () => {
    const run = await runExample({
      KYC_API_URL: app.graphqlUrl,
      KYC_TOKEN: await app.serviceToken(),
      KYC_SSN: "111-11-1111",
      KYC_SIMULATE_DROP: "0",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(statusLines(run.stdout).map((line) => line.split(" ")[0])).toEqual(["NOT_STARTED", "SUBMITTED", "DOCUMENT_REQUIRED"]);
    expect(run.stdout).not.toContain("reconnected");
    expect(run.stdout).toMatch(/documents required: social_security_card, government_id/);
  });

  it("fails with the API's error code and a non-zero exit when the token is refused", async () => {
    const run = await runExample({ KYC_API_URL: app.graphqlUrl, KYC_TOKEN: "not-a-token" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/example failed: UNAUTHENTICATED/);
  });
});
