import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.mjs";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, eventually, kycInput, waitForKycStatus } from "../support/fixtures.js";

const realPostgres = Boolean(process.env.DATABASE_URL);

describe("GET /readyz and /healthz", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it("is ready once the database answers and every migration is applied; /healthz is process-only", async () => {
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: "ok" });
  });
});

// Cutting the database needs a network hop to cut: real Postgres only (CI's real-Postgres pass runs it).
describe.skipIf(!realPostgres)(
  "when the database goes away and comes back (real Postgres behind a TCP proxy; skipped without DATABASE_URL)",
  () => {
    let app: TestApp;
    let proxy: TcpProxy;
    beforeAll(async () => {
      const target = new URL(process.env.DATABASE_URL!);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      app = await startTestApp(
        {},
        {
          routeDatabaseUrl: (url) => {
            const routed = new URL(url);
            routed.hostname = "127.0.0.1";
            routed.port = String(proxy.port);
            return routed.toString();
          },
        },
      );
    });
    afterAll(async () => {
      proxy?.restore();
      await app?.close();
      await proxy?.close();
    });

    const simulatePass = (customerId: string) =>
      fetch(`${app.bondApiUrl}/simulate/kyc-pass`, {
        method: "POST",
        headers: { "content-type": "application/json", Identity: "sandbox-identity", Authorization: "sandbox-authorization" },
        body: JSON.stringify({ customer_id: customerId }),
      });

    it("answers SERVICE_UNAVAILABLE and 503s during the outage, never acknowledges an unstored webhook, and recovers without a restart", async () => {
      const customerId = await createCustomer(app);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

      proxy.cut();
      const query = await app.graphql(CustomerDocument, { id: customerId });
      expect(query.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
      const submit = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
      expect(submit.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
      expect(app.bondSandbox!.kycSubmissionCount(customerId)).toBe(0); // refused before Bond was called

      const readiness = await fetch(`${app.url}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toEqual({ status: "not-ready", reason: "database unavailable" });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

      const webhook = await app.postWebhook({
        event: "kyc.verification.under_review",
        customer_id: customerId,
        occurred_at: "2026-01-01T00:00:01Z",
      });
      expect(webhook.status).toBe(503);
      expect(webhook.body.code).toBe("SERVICE_UNAVAILABLE");

      // Bond (the sandbox) sends an outcome while we are down: it gets 5xx and delivers it again later.
      expect((await simulatePass(customerId)).status).toBe(200);
      await eventually(
        async () =>
          app.bondSandbox!.deliveries.filter((delivery) => delivery.body.customer_id === customerId && delivery.status === 503).length >= 2,
      );

      proxy.restore();
      await eventually(async () => (await fetch(`${app.url}/readyz`)).status === 200);
      const passed = await waitForKycStatus(app, customerId, "PASSED");
      expect(passed.kycPassedAt).toBeTruthy();
      const deliveries = app
        .bondSandbox!.deliveries.filter((delivery) => delivery.body.customer_id === customerId)
        .map((delivery) => delivery.status);
      expect(deliveries.at(-1)).toBe(200);
      expect(deliveries.slice(0, -1).every((status) => status === 503)).toBe(true);

      // Requests work again on the same process.
      const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
      expect(submitted.errors?.[0].extensions?.code).toBe("KYC_ALREADY_PASSED");
    });
  },
);
