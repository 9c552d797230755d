import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;
/** Node checks its timeouts once a second (connectionsCheckingInterval); plus slack for a loaded machine. */
const SLACK_MS = 3000;

/** Opens a socket and sends `text` one byte per second until the server closes it; resolves with how long that took. */
function tricklingClient(port: number, text: string): Promise<{ closedAfterMs: number; bytesSent: number; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const started = Date.now();
    let sent = 0;
    let answer = "";
    const timer = setInterval(() => {
      if (sent < text.length && socket.writable) socket.write(text[sent++]);
    }, 1000);
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, bytesSent: sent, answer });
    });
  });
}

describe("slow clients (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "1000",
    });
  });
  afterAll(() => app?.close());

  const port = () => Number(new URL(app.url).port);

  it("cuts off a client sending its headers one byte per second (408) within the headers timeout", async () => {
    const result = await tricklingClient(
      port(),
      "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: " + "a".repeat(200),
    );
    expect(result.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);

  it("cuts off a client sending its body one byte per second within the request timeout", async () => {
    const body = JSON.stringify({ query: "{ __typename }" }).padEnd(500, " ");
    const socket = connect(port(), "127.0.0.1");
    const started = Date.now();
    socket.on("error", () => {});
    socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let sent = 0;
    const timer = setInterval(() => socket.writable && sent < body.length && socket.write(body[sent++]), 1000);
    const closedAfterMs = await new Promise<number>((resolve) =>
      socket.on("close", () => (clearInterval(timer), resolve(Date.now() - started))),
    );
    expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(sent).toBeLessThan(body.length);
  }, 30_000);
});
