import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import WebSocket from "ws";
import {
  KycStatusChangedDocument,
  KycStatusResumedDocument,
  KycStatusWithCustomerDocument,
  type KycStatusResumedSubscription,
  type KycStatusWithCustomerSubscription,
} from "../gql/graphql.js";
import { createCustomer } from "../support/fixtures.js";
import { metricValue, scrapeMetrics } from "../support/metrics.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const EXECUTIONS = "kyc_subscription_executions_total";
const MESSAGES = "kyc_subscription_messages_total";

describe("fan-out: a live change is executed once per distinct subscription, not once per subscriber", () => {
  it("answers 50 alike subscribers of one customer from one execution, and keeps other documents, viewers and replays apart", async () => {
    const customerId = await createCustomer(app);
    const subscribe = <T>(options: { token?: string; query?: string; variables?: Record<string, unknown> } = {}) =>
      collect<T>(
        app.websocketClient({ token: options.token }).iterate({
          query: options.query ?? print(KycStatusWithCustomerDocument),
          variables: options.variables ?? { customerId },
        }) as AsyncIterableIterator<any>,
      );
    // 50 service subscribers of the same document (one socket each, as 50 back-office tabs), one subscriber
    // with the customer's own token, one with another document.
    const alike = Array.from({ length: 50 }, () => subscribe<KycStatusWithCustomerSubscription>());
    const own = subscribe<KycStatusWithCustomerSubscription>({ token: await app.customerToken(customerId) });
    const other = subscribe({ query: print(KycStatusChangedDocument) });
    const everyone = [...alike, own, other];
    await Promise.all(everyone.map((messages) => messages.waitFor(1)));
    const before = await scrapeMetrics(app);

    const response = await app.postWebhook({
      event: "kyc.verification.success",
      customer_id: customerId,
      occurred_at: "2026-01-01-00:00:07.000000+00:00",
    });
    expect(response.status).toBe(200);
    await Promise.all(everyone.map((messages) => messages.waitFor(2)));
    const after = await scrapeMetrics(app);

    // Every subscriber got the change, with the customer as stored after it.
    for (const messages of [...alike, own]) {
      expect(messages.received[1]?.data?.kycStatusChanged).toMatchObject({
        status: "PASSED",
        version: 1,
        customer: { id: customerId, kycStatus: "PASSED" },
      });
    }
    // 52 messages from three executions: the 50 alike subscribers, the customer token's, the other document's.
    expect(metricValue(after, MESSAGES) - metricValue(before, MESSAGES)).toBe(52);
    expect(metricValue(after, EXECUTIONS) - metricValue(before, EXECUTIONS)).toBe(3);

    // A subscriber resuming from version 0 gets its own replay of the change (executed for it alone), then the live stream.
    const resumed = subscribe<KycStatusResumedSubscription>({
      query: print(KycStatusResumedDocument),
      variables: { customerId, afterVersion: 0 },
    });
    await resumed.waitFor(1);
    expect(resumed.received[0]?.data?.kycStatusChanged).toMatchObject({ status: "PASSED", version: 1, previousStatus: "NOT_STARTED" });
    await Promise.all([...everyone, resumed].map(async (messages) => messages.stop()));
  });

  it("writes each subscriber's own operation id around the once-serialised payload, whatever the id holds", async () => {
    const customerId = await createCustomer(app);
    const socket = new WebSocket(app.websocketUrl, "graphql-transport-ws");
    const frames: string[] = [];
    socket.on("message", (data) => frames.push((data as Buffer).toString()));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${await app.serviceToken()}` } }));
    const framesFor = (id: string) =>
      frames.map((frame) => JSON.parse(frame)).filter((message) => message.id === id && message.type === "next");
    const until = async (check: () => boolean) => {
      for (let waited = 0; !check(); waited += 20) {
        if (waited > 20_000) throw new Error(`timed out; frames: ${frames.join("\n")}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until(() => frames.some((frame) => JSON.parse(frame).type === "connection_ack"));
    // Ids that look like the message's own JSON: the payload must still land in the right place, once.
    const ids = ["1", 'x","type":"next"}', '"payload":{}\u0000'];
    for (const id of ids)
      socket.send(
        JSON.stringify({ id, type: "subscribe", payload: { query: print(KycStatusWithCustomerDocument), variables: { customerId } } }),
      );
    await until(() => ids.every((id) => framesFor(id).length === 1));
    await app.postWebhook({ event: "kyc.verification.success", customer_id: customerId, occurred_at: "2026-01-01-00:00:07.000000+00:00" });
    await until(() => ids.every((id) => framesFor(id).length === 2));
    for (const id of ids) {
      const [first, live] = framesFor(id);
      expect(Object.keys(live)).toEqual(["id", "type", "payload"]);
      expect(first.payload.data.kycStatusChanged).toMatchObject({ status: "NOT_STARTED", version: 0 });
      expect(live.payload).toEqual({
        data: {
          kycStatusChanged: { status: "PASSED", version: 1, customer: expect.objectContaining({ id: customerId, kycStatus: "PASSED" }) },
        },
      });
    }
    // The three live frames differ only by their ids.
    const liveFrames = frames.filter((frame) => frame.includes('"PASSED"'));
    expect(new Set(liveFrames.map((frame) => frame.slice(frame.lastIndexOf(',"type":"next"'))))).toHaveLength(1);
    socket.close();
  });
});
