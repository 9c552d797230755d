import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KycStatusChangedDocument, SubmitKycDocument, type KycStatusChangedSubscription } from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer, eventually, kycInput, waitForKycStatus } from "../support/fixtures.js";
import { metricValue, scrapeMetrics } from "../support/metrics.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

type LogLine = { msg?: string; requestId?: string; level: number; component?: string; [key: string]: unknown };
const parsed = (lines: string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

describe("logs: JSON lines with a request id, never personal data", () => {
  it("tags every line of a request with its id (taken from X-Request-Id, echoed back), down to the Bond client, and never logs an SSN", async () => {
    const customerId = await createCustomer(app);
    const ssn = "521-44-7318";
    const from = app.logs.length;

    const submitted = await app.graphql(
      SubmitKycDocument,
      { input: kycInput(customerId, { ssn }) },
      { ...(await app.asService()), "x-request-id": "obs-submit-1" },
    );
    expect(submitted.errors).toBeUndefined();
    expect(submitted.headers.get("x-request-id")).toBe("obs-submit-1");

    // Malformed requests carrying the SSN: broken JSON, a wrongly typed variable, a syntax error in the document.
    const malformed = { "x-request-id": "obs-malformed" };
    const brokenJson = await app.postGraphQL(`{"query":"mutation { submitKyc(input: {ssn: \\"${ssn}\\"`, malformed);
    expect(brokenJson.status).toBe(400);
    const wrongType = await app.graphql(
      SubmitKycDocument,
      { input: { ...kycInput(customerId), ssn: Number(ssn.replace(/-/g, "")) } as never },
      { ...(await app.asService()), ...malformed },
    );
    expect(wrongType.errors?.[0]).toBeDefined();
    const syntax = await app.postGraphQL(JSON.stringify({ query: `mutation { submitKyc(input: { ssn: "${ssn}" ` }), malformed);
    expect(syntax.status).toBe(400);
    await waitForKycStatus(app, customerId, "PASSED");

    const lines = app.logs.slice(from);
    for (const line of lines) {
      expect(line).not.toContain(ssn);
      expect(line).not.toContain(ssn.replace(/-/g, ""));
    }
    const entries = parsed(lines);
    // Everything after start-up is request-scoped (GraphQL calls, the sandbox's Bond requests and the webhooks they cause).
    const untagged = entries.filter((entry) => !entry.requestId);
    expect(untagged).toEqual([]);

    const ofSubmit = entries.filter((entry) => entry.requestId === "obs-submit-1");
    expect(ofSubmit.map((entry) => entry.msg)).toEqual(expect.arrayContaining(["bond call", "request completed"]));
    expect(ofSubmit.find((entry) => entry.msg === "bond call")).toMatchObject({
      component: "bond-client",
      operation: "submitKyc",
      outcome: "ok",
    });
    expect(ofSubmit.find((entry) => entry.msg === "request completed")).toMatchObject({ method: "POST", path: "/graphql", status: 200 });
    expect(
      entries.filter((entry) => entry.requestId === "obs-malformed" && entry.msg === "request completed").map((entry) => entry.status),
    ).toEqual([400, 400, 400]);
    // The webhooks the sandbox sent are requests of their own, logged with their own ids.
    const webhooks = entries.filter((entry) => entry.component === "webhook" && entry.msg === "webhook stored");
    expect(webhooks.length).toBeGreaterThanOrEqual(2);
    for (const entry of webhooks) expect(entry.requestId).not.toBe("obs-submit-1");
  });

  it("replaces an unusable X-Request-Id (too long, odd characters) with a fresh one", async () => {
    for (const header of ["x".repeat(101), "id with spaces", "<script>"]) {
      const response = await fetch(`${app.url}/healthz`, { headers: { "x-request-id": header } });
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.logs.some((line) => line.includes(header))).toBe(false);
    }
    const fresh = await fetch(`${app.url}/healthz`);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives each WebSocket operation a request id of its own, also for its later events", async () => {
    const customerId = await createCustomer(app);
    const from = app.logs.length;
    const client = app.websocketClient();
    const messages = collect<KycStatusChangedSubscription>(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    await messages.waitFor(1);
    await messages.stop();
    const entries = parsed(app.logs.slice(from));
    const started = await eventually(async () => entries.find((entry) => entry.msg === "websocket operation"));
    expect(started).toMatchObject({ operation: "kycStatusChanged", type: "subscription" });
    expect(started.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const ended = await eventually(async () => parsed(app.logs.slice(from)).find((entry) => entry.msg === "subscription ended"));
    expect(ended.requestId).toBe(started.requestId);
  });

  it("tags a refused WebSocket connection's line with a request id too", async () => {
    const from = app.logs.length;
    const client = app.websocketClient({ token: null });
    const messages = collect<KycStatusChangedSubscription>(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId: "x" } }) as AsyncIterableIterator<any>,
    );
    await expect(messages.done).rejects.toMatchObject({ code: 4401 });
    const refused = parsed(app.logs.slice(from)).find((entry) => entry.msg === "websocket refused: not authenticated");
    expect(refused?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("metrics at GET /metrics (Prometheus)", () => {
  it("counts operations, webhook events and Bond calls, and tracks open subscriptions", async () => {
    const before = await scrapeMetrics(app);
    const submitOk = { operation: "submitKyc", type: "mutation", transport: "http", outcome: "ok" };
    const submitError = { ...submitOk, outcome: "error" };
    const passed = { event: "kyc.verification.success", outcome: "changed" };
    const badSignature = { event: "unknown", outcome: "invalid_signature" };
    const bondSubmit = { operation: "submitKyc", outcome: "ok" };

    const customerId = await createCustomer(app);
    const client = app.websocketClient();
    const messages = collect<KycStatusChangedSubscription>(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    await messages.waitFor(1);
    const open = await scrapeMetrics(app);
    expect(metricValue(open, "kyc_graphql_open_subscriptions")).toBe(metricValue(before, "kyc_graphql_open_subscriptions") + 1);
    expect(
      metricValue(open, "kyc_graphql_operations_total", {
        operation: "kycStatusChanged",
        type: "subscription",
        transport: "ws",
        outcome: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);

    await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { email: "not-an-email" }) });
    await messages.waitFor(3);
    expect(
      (
        await app.postWebhook(
          { event: "kyc.verification.success", customer_id: customerId, occurred_at: new Date().toISOString() },
          { secret: "wrong" },
        )
      ).status,
    ).toBe(401);

    const after = await scrapeMetrics(app);
    expect(after.split("\n").find((line) => line.startsWith("# TYPE kyc_graphql_operation_duration_seconds"))).toBe(
      "# TYPE kyc_graphql_operation_duration_seconds histogram",
    );
    expect(metricValue(after, "kyc_graphql_operations_total", submitOk)).toBe(
      metricValue(before, "kyc_graphql_operations_total", submitOk) + 1,
    );
    expect(metricValue(after, "kyc_graphql_operations_total", submitError)).toBe(
      metricValue(before, "kyc_graphql_operations_total", submitError) + 1,
    );
    expect(metricValue(after, "kyc_graphql_operation_duration_seconds_count", { operation: "submitKyc", type: "mutation" })).toBe(
      metricValue(before, "kyc_graphql_operation_duration_seconds_count", { operation: "submitKyc", type: "mutation" }) + 2,
    );
    expect(metricValue(after, "kyc_bond_webhook_events_total", passed)).toBe(
      metricValue(before, "kyc_bond_webhook_events_total", passed) + 1,
    );
    expect(metricValue(after, "kyc_bond_webhook_events_total", badSignature)).toBe(
      metricValue(before, "kyc_bond_webhook_events_total", badSignature) + 1,
    );
    expect(metricValue(after, "kyc_bond_request_duration_seconds_count", bondSubmit)).toBe(
      metricValue(before, "kyc_bond_request_duration_seconds_count", bondSubmit) + 1,
    );
    expect(
      metricValue(after, "kyc_bond_request_duration_seconds_count", { operation: "createCustomer", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);

    await messages.stop();
    await eventually(
      async () =>
        metricValue(await scrapeMetrics(app), "kyc_graphql_open_subscriptions") === metricValue(before, "kyc_graphql_open_subscriptions"),
    );
  });

  it("decrements open subscriptions when the socket goes away without unsubscribing", async () => {
    const customerId = await createCustomer(app);
    const baseline = metricValue(await scrapeMetrics(app), "kyc_graphql_open_subscriptions");
    const client = app.websocketClient();
    const messages = collect<KycStatusChangedSubscription>(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    await messages.waitFor(1);
    expect(metricValue(await scrapeMetrics(app), "kyc_graphql_open_subscriptions")).toBe(baseline + 1);
    messages.done.catch(() => undefined); // the iteration ends with the 4499 close we cause
    client.terminate();
    await eventually(async () => metricValue(await scrapeMetrics(app), "kyc_graphql_open_subscriptions") === baseline);
  });
});
