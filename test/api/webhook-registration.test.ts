import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStandaloneBondSandbox, type StandaloneBondSandbox } from "../../src/bond-sandbox/standalone.js";
import { createBondWebhookApi, ensureWebhookSubscription } from "../../src/bond/bond-webhooks.js";
import { verifyBondSignature } from "../../src/bond/webhook-signature.js";
import { eventually, PASSING_SSN, PROGRAM_ID } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * Bond delivers webhooks only to subscribed URLs (`POST /webhooks`). With PUBLIC_URL set, the service
 * makes sure on start that exactly one subscription for `${PUBLIC_URL}/webhooks/bond` exists, however
 * often it restarts and however many instances start at once; with the embedded sandbox it registers
 * the same way. Bond here is a standalone sandbox outside the app, as the real one would be.
 */
const IDENTITY = "registration-identity";
const AUTHORIZATION = "registration-authorization";
const SECRET = "registration-webhook-secret";

let bond: StandaloneBondSandbox;
const apps: TestApp[] = [];

beforeAll(async () => {
  bond = await startStandaloneBondSandbox({
    identity: IDENTITY,
    authorization: AUTHORIZATION,
    webhookSecret: SECRET,
    webhookDelayMs: 10,
    webhookRetry: { attempts: 2, baseDelayMs: 10 },
  });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await bond?.close();
});

const bondEnv = (publicUrl: string) => ({
  BOND_API_URL: bond.apiUrl,
  BOND_IDENTITY: IDENTITY,
  BOND_AUTHORIZATION: AUTHORIZATION,
  BOND_WEBHOOK_SECRET: SECRET,
  PUBLIC_URL: publicUrl,
});

async function start(env: Record<string, string>): Promise<TestApp> {
  const app = await startTestApp(env);
  apps.push(app);
  return app;
}

/** What Bond's `GET /webhooks` lists for a URL. */
async function subscriptionsFor(url: string): Promise<Array<{ id: string; url: string; events: string[]; status: string }>> {
  const response = await fetch(`${bond.apiUrl}/webhooks`, { headers: { Identity: IDENTITY, Authorization: AUTHORIZATION } });
  expect(response.status).toBe(200);
  return ((await response.json()) as Array<{ id: string; url: string; events: string[]; status: string }>).filter(
    (subscription) => subscription.url === url,
  );
}

async function bondCall(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${bond.apiUrl}${path}`, {
    method,
    headers: { Identity: IDENTITY, Authorization: AUTHORIZATION, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("the service registers its webhook with Bond", () => {
  it("keeps exactly one subscription for its URL across restarts", async () => {
    const publicUrl = "https://restarts.kyc.example";
    for (let run = 1; run <= 3; run++) {
      const app = await start(bondEnv(publicUrl));
      expect(await subscriptionsFor(`${publicUrl}/webhooks/bond`)).toEqual([
        expect.objectContaining({ events: ["kyc*"], status: "STATUS_ENABLED" }),
      ]);
      await app.close();
      apps.splice(apps.indexOf(app), 1);
    }
    expect(await subscriptionsFor(`${publicUrl}/webhooks/bond`)).toHaveLength(1);
  }, 180_000);

  it("ends with one subscription when two instances start at once", async () => {
    const publicUrl = "https://two-instances.kyc.example";
    await Promise.all([start(bondEnv(publicUrl)), start(bondEnv(publicUrl))]);
    expect(await subscriptionsFor(`${publicUrl}/webhooks/bond`)).toHaveLength(1);
  }, 120_000);

  it("converges on one subscription when many callers race (each lists, finds none and creates)", async () => {
    const url = "https://race.kyc.example/webhooks/bond";
    const api = createBondWebhookApi({ baseUrl: bond.apiUrl, identity: IDENTITY, authorization: AUTHORIZATION, timeoutMs: 10_000 });
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureWebhookSubscription(api, url)));
    const left = await subscriptionsFor(url);
    expect(left).toHaveLength(1);
    // Several may have created one; what is left is one of theirs, the smallest id of them (never deleted by anyone).
    const createdIds = results.filter((result) => result.created).map((result) => result.subscription.id);
    expect(createdIds.length).toBeGreaterThanOrEqual(1);
    expect(left[0].id).toBe([...createdIds].sort()[0]);
  });

  it("removes duplicates someone made by hand, keeps the smallest id, re-enables it, and leaves other URLs alone", async () => {
    const publicUrl = "https://duplicates.kyc.example";
    const url = `${publicUrl}/webhooks/bond`;
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(
        (await bondCall("POST", "/webhooks", { url, events: ["kyc*"], version: "0.1", status: "STATUS_DISABLED" })).body.id as string,
      );
    const other = await bondCall("POST", "/webhooks", { url: "https://someone-else.example/hook", events: ["card*"] });
    const app = await start(bondEnv(publicUrl));
    const left = await subscriptionsFor(url);
    expect(left, app.logs.filter((line) => line.includes("bond-webhooks")).join("")).toEqual([
      expect.objectContaining({ id: [...made].sort()[0], status: "STATUS_ENABLED" }),
    ]);
    expect(await subscriptionsFor("https://someone-else.example/hook")).toEqual([expect.objectContaining({ id: other.body.id })]);
  }, 60_000);

  it("registers with the embedded sandbox as with Bond (npm start), and webhooks arrive through that subscription", async () => {
    const app = await start({});
    expect(app.bondSandbox!.subscriptions()).toEqual([
      expect.objectContaining({ url: app.webhookUrl, events: ["kyc*"], status: "STATUS_ENABLED" }),
    ]);
    const customer = await fetch(`${app.bondApiUrl}/customers`, {
      method: "POST",
      headers: { Identity: "sandbox-identity", Authorization: "sandbox-authorization", "Content-Type": "application/json" },
      body: JSON.stringify({ first_name: "Jane", last_name: "Doe", dob: "1990-05-17" }),
    });
    expect(customer.status).toBe(201);
    const { customer_id: customerId } = (await customer.json()) as { customer_id: string };
    await fetch(`${app.bondApiUrl}/simulate/kyc-pass`, {
      method: "POST",
      headers: { Identity: "sandbox-identity", Authorization: "sandbox-authorization", "Content-Type": "application/json" },
      body: JSON.stringify({ customer_id: customerId }),
    });
    // The customer exists at Bond only (404 here): what matters is where the sandbox sent it.
    const delivery = await eventually(async () => app.bondSandbox!.deliveries.find((sent) => sent.body.customer_id === customerId));
    expect(delivery.url).toBe(app.webhookUrl);
  }, 60_000);
});

describe("the sandbox delivers only to registered, enabled, matching subscriptions", () => {
  let receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    receivers = [];
  });

  it("sends KYC webhooks to a kyc* subscription only: not to a disabled one, another event family, a deleted one or an unregistered URL", async () => {
    const [kyc, disabled, cards, deleted, unregistered] = (receivers = await Promise.all(
      Array.from({ length: 5 }, () => startWebhookReceiver()),
    ));
    const created = await bondCall("POST", "/webhooks", {
      url: `${kyc.url}/hook`,
      events: ["kyc*"],
      description: "KYC",
      version: "0.1",
      status: "STATUS_ENABLED",
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: expect.any(String), url: `${kyc.url}/hook`, events: ["kyc*"], status: "STATUS_ENABLED", secret: SECRET },
    });
    expect((await bondCall("GET", `/webhooks/${created.body.id}`)).body).not.toHaveProperty("secret");
    await bondCall("POST", "/webhooks", { url: `${disabled.url}/hook`, events: ["kyc*"], status: "STATUS_DISABLED" });
    await bondCall("POST", "/webhooks", { url: `${cards.url}/hook`, events: ["card*"] });
    const gone = await bondCall("POST", "/webhooks", { url: `${deleted.url}/hook`, events: ["kyc*"] });
    expect((await bondCall("DELETE", `/webhooks/${gone.body.id}`)).status).toBe(200);
    expect((await bondCall("GET", `/webhooks/${gone.body.id}`)).status).toBe(404);
    void unregistered;

    const customer = await bondCall("POST", "/customers", { first_name: "Jane", last_name: "Doe", dob: "1990-05-17" });
    const customerId = customer.body.customer_id as string;
    const kycBody = {
      program_id: PROGRAM_ID,
      ssn: PASSING_SSN,
      phone: "555-555-5555",
      phone_country_code: "1",
      email: "jane@example.com",
      ip: "127.1.1.1",
    };
    expect((await bondCall("POST", `/customers/${customerId}/verification-kyc`, kycBody)).status).toBe(201);

    await eventually(async () => kyc.received.length >= 2, 20_000);
    await bond.sandbox.idle();
    expect(kyc.received.map((webhook) => webhook.body.event ?? webhook.body.kyc_status)).toEqual(["submitted", "kyc.verification.success"]);
    for (const webhook of kyc.received) {
      expect(
        verifyBondSignature({
          header: webhook.headers["bond-signature"] as string,
          rawBody: webhook.rawBody,
          secrets: [SECRET],
          toleranceSeconds: 300,
        }),
      ).toEqual({ ok: true });
    }
    for (const receiver of [disabled, cards, deleted, unregistered]) expect(receiver.received).toEqual([]);

    // A PATCH that enables the disabled one: the next webhook reaches it too.
    const disabledId = (await bondCall("GET", "/webhooks")).body.find(
      (subscription: { url: string }) => subscription.url === `${disabled.url}/hook`,
    ).id;
    expect((await bondCall("PATCH", `/webhooks/${disabledId}`, { status: "STATUS_ENABLED" })).body).toMatchObject({
      status: "STATUS_ENABLED",
    });
    await bondCall("POST", "/simulate/kyc-fail", { customer_id: customerId });
    await eventually(async () => disabled.received.length >= 1, 20_000);
    expect(disabled.received[0].body.event).toBe("kyc.verification.failure");
  }, 60_000);

  it("refuses a subscription without url or events, as Bond documents them required", async () => {
    const refused = await bondCall("POST", "/webhooks", { description: "nothing" });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        Code: "webhook_post_schema",
        Message: { url: ["Missing data for required field."], events: ["Missing data for required field."] },
      },
    });
  });
});

describe("npm run bond:webhooks", () => {
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ["--import", "./scripts/swc-register.mjs", "scripts/bond-webhooks.ts", ...args], {
      env: { PATH: process.env.PATH, ENV_FILE: "/dev/null", ...env },
      timeout: 60_000,
    });

  it("creates (printing the secret once), lists and deletes subscriptions", async () => {
    const env = {
      BOND_API_URL: bond.apiUrl,
      BOND_IDENTITY: IDENTITY,
      BOND_AUTHORIZATION: AUTHORIZATION,
      PUBLIC_URL: "https://script.kyc.example",
    };
    const created = await run(["create"], env);
    const id = /created (\S+)/.exec(created.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(created.stdout).toContain(`set BOND_WEBHOOK_SECRET to it; shown once): ${SECRET}`);
    expect((await run(["list"], env)).stdout).toContain(`${id}  STATUS_ENABLED  https://script.kyc.example/webhooks/bond  kyc*`);
    expect((await run(["delete", id!], env)).stdout).toContain(`deleted ${id}`);
    expect(await subscriptionsFor("https://script.kyc.example/webhooks/bond")).toEqual([]);
  }, 90_000);
});
