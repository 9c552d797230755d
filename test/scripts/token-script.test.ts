import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "kyc-token-"));
/** What `npm start` runs with, less anything of the test run's own that would change auth. */
const env = {
  AUTH_DEV_MODE: "true",
  AUTH_JWT_SECRET: "",
  AUTH_JWKS_URL: "",
  NODE_ENV: "development",
  DATA_DIR: dataDir,
  PORT: "0",
  LOG_LEVEL: "warn",
  ENV_FILE: "",
};

/** `npm run -s token -- …` (the script npm runs), with the dev server's settings. */
async function tokenScript(...args: string[]): Promise<{ token: string; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(join(ROOT, "node_modules/.bin/tsx"), ["scripts/token.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return { token: stdout.trim(), stderr };
}

async function post(server: ServerProcess, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> } };
}

const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run token", () => {
  it("prints service and customer tokens the dev server accepts, before and after a restart (key kept in DATA_DIR, 0600)", async () => {
    // A token made before the server ever ran: the script creates the key the server then uses.
    const { token: serviceToken, stderr } = await tokenScript("--service");
    expect(serviceToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stderr).toMatch(/service token/);
    expect(statSync(join(dataDir, "dev-jwt.key")).mode & 0o777).toBe(0o600);

    const first = await startServerProcess(env, { entry: "source" });
    servers.push(first);
    const created = await post(first, serviceToken, `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`, {
      input: {
        firstName: "Jane",
        lastName: "Doe",
        dob: "1990-05-17",
        addresses: [{ addressType: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zipCode: "78701" }],
      },
    });
    expect(created.body.errors).toBeUndefined();
    const customerId: string = created.body.data.createCustomer.id;

    const { token: customerToken } = await tokenScript("--customer", customerId);
    const own = await post(first, customerToken, `query($id: ID!) { customer(id: $id) { id kycStatus } }`, { id: customerId });
    expect(own).toEqual({ status: 200, body: { data: { customer: { id: customerId, kycStatus: "NOT_STARTED" } } } });
    // A customer token is for that customer only.
    const other = await post(first, customerToken, `query($id: ID!) { customer(id: $id) { id } }`, {
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect(other.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    await first.stop();
    const second = await startServerProcess(env, { entry: "source" });
    servers.push(second);
    const again = await post(second, customerToken, `query($id: ID!) { customer(id: $id) { id kycStatus } }`, { id: customerId });
    expect(again).toEqual({ status: 200, body: { data: { customer: { id: customerId, kycStatus: "NOT_STARTED" } } } });
    expect((await post(second, serviceToken, "{ __typename }")).status).toBe(200);
    // A token signed with anything else is still refused.
    const forged = `${customerToken.slice(0, customerToken.lastIndexOf(".") + 1)}${"A".repeat(43)}`;
    expect((await post(second, forged, "{ __typename }")).status).toBe(401);
  }, 240_000);

  it("refuses what it cannot make a token for", async () => {
    await expect(tokenScript("--customer", "not-a-uuid")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/must be a customer id/),
    });
    await expect(tokenScript()).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/exactly one of --customer <id> or --service/),
    });
  }, 60_000);
});
