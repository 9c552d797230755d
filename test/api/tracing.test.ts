import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { createCustomer, eventually, kycInput, newCustomerInput, PASSING_SSN } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

// OpenTelemetry spans as a collector would receive them: an in-memory exporter behind the app's tracer.
const exporter = new InMemorySpanExporter();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(async () => {
  await app?.close();
});

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (parent: ReadableSpan) =>
  spans().filter((span) => parentOf(span) === parent.spanContext().spanId && span.spanContext().traceId === parent.spanContext().traceId);

describe("OpenTelemetry traces", () => {
  it("a GraphQL operation is a server span with its Bond call and database transaction as children; the webhook ingest has its own", async () => {
    exporter.reset();
    const customerId = await createCustomer(app);
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(submitted.errors).toBeUndefined();
    // The sandbox's webhooks arrive; each ingest is a span with the event type.
    const webhook = await eventually(
      async () =>
        spans().find((span) => span.name === "bond webhook" && span.attributes["bond.webhook.event"] === "kyc.verification.success"),
      20_000,
    );
    expect(webhook.kind).toBe(SpanKind.SERVER);
    expect(webhook.attributes["http.response.status_code"]).toBe(200);
    expect(childrenOf(webhook).map((span) => span.name)).toContain("db.transaction");

    const create = spans().find((span) => span.name === "mutation createCustomer");
    expect(create).toBeDefined();
    expect(create!.kind).toBe(SpanKind.SERVER);
    expect(childrenOf(create!).map((span) => span.name)).toContain("bond createCustomer");

    const submit = spans().find((span) => span.name === "mutation submitKyc")!;
    expect(submit).toBeDefined();
    expect(submit.attributes).toMatchObject({
      "graphql.operation.type": "mutation",
      "graphql.root_field": "submitKyc",
      "http.response.status_code": 200,
    });
    const submitChildren = childrenOf(submit).map((span) => span.name);
    expect(submitChildren).toContain("bond submitKyc");
    expect(submitChildren).toContain("db.transaction");
    const bondSubmit = spans().find((span) => span.name === "bond submitKyc")!;
    expect(bondSubmit.kind).toBe(SpanKind.CLIENT);
  });

  it("a Bond call that is retried records each retry as an event on its span", async () => {
    exporter.reset();
    const customerId = await createCustomer(app);
    app.bondSandbox!.faults.inject({ method: "POST", path: /\/verification-kyc$/, fault: { kind: "status", status: 503 }, times: 2 });
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(submitted.errors).toBeUndefined();
    const bondSubmit = await eventually(async () => spans().find((span) => span.name === "bond submitKyc"));
    expect(bondSubmit.events.map((event) => [event.name, event.attributes?.["bond.attempt"]])).toEqual([
      ["retry", 1],
      ["retry", 2],
    ]);
    app.bondSandbox!.faults.clear();
  });

  it("an operation that fails carries its error code, and a read is traced too", async () => {
    exporter.reset();
    const missing = await app.graphql(SubmitKycDocument, { input: kycInput("00000000-0000-4000-8000-000000000000") });
    expect(missing.errors).toBeDefined();
    const submit = await eventually(async () => spans().find((span) => span.name === "mutation submitKyc"));
    expect(submit.attributes["graphql.error.codes"]).toEqual([missing.errors![0].extensions.code]);
    const customerId = await createCustomer(app);
    await app.graphql(CustomerDocument, { id: customerId });
    expect(await eventually(async () => spans().find((span) => span.name === "query customer"))).toBeDefined();
  });

  it("an operation over WebSocket is a span of its own (transport ws) with its database work inside", async () => {
    const customerId = await createCustomer(app);
    exporter.reset();
    const client = app.websocketClient();
    await new Promise<void>((done, fail) =>
      client.subscribe({ query: print(CustomerDocument), variables: { id: customerId } }, { next: () => {}, error: fail, complete: done }),
    );
    const span = await eventually(async () =>
      spans().find((candidate) => candidate.name === "query customer" && candidate.attributes["graphql.transport"] === "ws"),
    );
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.attributes["graphql.root_field"]).toBe("customer");
  });

  it("no span name, attribute or event carries personal data", async () => {
    exporter.reset();
    const customer = newCustomerInput({
      firstName: "Zelda",
      lastName: "Quixotic",
      email: "zelda.quixotic@example.com",
      phone: "555-987-6543",
    });
    const customerId = await createCustomer(app, customer);
    await app.graphql(SubmitKycDocument, { input: kycInput(customerId, { email: "zelda.quixotic@example.com" }) });
    await eventually(async () => spans().some((span) => span.name === "bond webhook"), 20_000);
    const dump = JSON.stringify(
      spans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        resource: span.resource.attributes,
      })),
    );
    expect(spans().length).toBeGreaterThan(3);
    for (const personal of [
      PASSING_SSN,
      PASSING_SSN.replace(/-/g, ""),
      "6789",
      "Zelda",
      "Quixotic",
      "zelda.quixotic",
      "987-6543",
      customer.dob,
      "1 Main St",
      customerId,
    ]) {
      expect(dump).not.toContain(personal);
    }
  });
});

describe("OTLP export", () => {
  it("with OTEL_EXPORTER_OTLP_ENDPOINT set, posts the spans to <endpoint>/v1/traces (flushed at close)", async () => {
    const received: { path: string; body: string }[] = [];
    const collector = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ path: request.url ?? "", body });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((done) => collector.listen(0, "127.0.0.1", done));
    const { port } = collector.address() as AddressInfo;
    const exporting = await startTestApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
      OTEL_SERVICE_NAME: "kyc-graphql-test",
    });
    try {
      await createCustomer(exporting);
    } finally {
      await exporting.close();
      await new Promise((done) => collector.close(done));
    }
    const traces = received.filter((request) => request.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    const body = traces.map((request) => request.body).join("\n");
    expect(body).toContain("mutation createCustomer");
    expect(body).toContain("kyc-graphql-test");
  });
});
