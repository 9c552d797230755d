import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); playwright-core never downloads a browser. */
const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`CORS browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** A static page server: the "single-page app" on another origin than the API. */
async function startPageServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>spa</title><p>a single-page app</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let app: TestApp;
let browser: Browser;
let pages: { server: Server; port: number };
beforeAll(async () => {
  if (!haveChromium) return;
  pages = await startPageServer();
  // Only http://127.0.0.1:<port> is allowed; http://localhost:<port> (same server) is another origin.
  app = await startTestApp({ CORS_ORIGINS: `http://127.0.0.1:${pages.port}` });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  pages?.server.close();
});

/** What the page's own fetch() sees: a JSON POST with a bearer token (so the browser sends a preflight), credentials included. */
async function callFromPage(pageUrl: string, graphqlUrl: string, token: string) {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const outcome = await page.evaluate(
    async ({ url, token }) => {
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "include",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        return { ok: true, status: response.status, body: await response.json(), requestId: response.headers.get("x-request-id") };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    },
    { url: graphqlUrl, token },
  );
  await page.close();
  return outcome;
}

describe.skipIf(!haveChromium)("CORS from a page on another origin (Debian's Chromium, headless)", () => {
  it("lets an allowed origin's page call /graphql with a token and read the answer", async () => {
    const outcome = await callFromPage(`http://127.0.0.1:${pages.port}/`, app.graphqlUrl, await app.serviceToken());
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { data: { __typename: "Query" } } });
    expect(outcome.requestId).toBeTruthy(); // an exposed header
  });

  it("blocks a page on an origin that is not allowed", async () => {
    const outcome = await callFromPage(`http://localhost:${pages.port}/`, app.graphqlUrl, await app.serviceToken());
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.error).toMatch(/Failed to fetch/);
  });
});
