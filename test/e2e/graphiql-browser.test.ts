import { existsSync, mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer } from "../support/fixtures.js";

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); playwright-core never downloads a browser. */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`GraphiQL browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  if (!haveChromium) return;
  app = await startTestApp();
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/**
 * GraphiQL's editors are CodeMirror 5 instances; their wrapper element carries the instance. Setting the
 * value through it fires the same change events as typing, so GraphiQL's state follows.
 */
async function setEditor(page: Page, selector: string, text: string) {
  await page.waitForSelector(selector);
  await page.$eval(
    selector,
    (element, value) => (element as unknown as { CodeMirror: { setValue(text: string): void } }).CodeMirror.setValue(value),
    text,
  );
}

/** Waits until the result pane shows every one of `texts`; returns what it shows. */
async function waitForResult(page: Page, texts: string[]): Promise<string> {
  const shown = () =>
    page
      .$eval(".result-window .CodeMirror", (element) =>
        (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
      )
      .catch(() => "(no result pane)");
  const handle = await page
    .waitForFunction(
      (wanted) => {
        // Runs in the page; typed by hand, so the test does not lean on the DOM types src/http/graphiql/page-script.ts brings in.
        const page = globalThis as unknown as {
          document: { querySelector(selector: string): { CodeMirror?: { getValue(): string } } | null };
        };
        const element = page.document.querySelector(".result-window .CodeMirror");
        const value = element?.CodeMirror?.getValue() ?? "";
        return wanted.every((text) => value.includes(text)) ? value : false;
      },
      texts,
      { timeout: 30_000 },
    )
    .catch(async (error: Error) => {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}graphiql-failure.png`, fullPage: true });
      throw new Error(`${error.message}\nwaited for ${JSON.stringify(texts)}; the result pane shows: ${await shown()}`);
    });
  return (await handle.jsonValue()) as string;
}

/**
 * Runs the operation in the query editor with Ctrl-Enter, as a person would. (A click on the ▶ button right
 * after an editor changed can land while GraphiQL re-renders it, and be lost.)
 */
async function run(page: Page) {
  await page.locator(".graphiql-query-editor .CodeMirror").click();
  await page.keyboard.press("Control+Enter");
}

async function openEditorTool(page: Page, tab: "Variables" | "Headers") {
  await page.getByRole("button", { name: tab, exact: true }).click();
  return ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror";
}

describe.skipIf(!haveChromium)("GraphiQL in a real browser (Debian's Chromium, headless)", () => {
  it("runs a query, starts kycStatusChanged, and shows the update a webhook causes", async () => {
    const customerId = await createCustomer(app);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // GraphiQL fetches the schema on load, before the token is in the headers editor: those 401s are expected.
      if (message.type() === "error" && !/status of 401/.test(message.text())) problems.push(`console error: ${message.text()}`);
    });

    const response = await page.goto(app.graphqlUrl);
    expect(response?.status()).toBe(200);
    await page.waitForSelector(".graphiql-query-editor .CodeMirror");

    // The token goes in the headers editor, as a person would paste it; the page sends it over HTTP and as
    // graphql-ws connection params.
    await setEditor(
      page,
      await openEditorTool(page, "Headers"),
      JSON.stringify({ Authorization: `Bearer ${await app.serviceToken()}` }, null, 2),
    );

    await setEditor(
      page,
      ".graphiql-query-editor .CodeMirror",
      `query Look {\n  customer(id: "${customerId}") {\n    id\n    kycStatus\n  }\n}\n`,
    );
    await run(page);
    const queried = JSON.parse(await waitForResult(page, ['"kycStatus"']));
    expect(queried).toEqual({ data: { customer: { id: customerId, kycStatus: "NOT_STARTED" } } });

    await setEditor(
      page,
      ".graphiql-query-editor .CodeMirror",
      `subscription Watch {\n  kycStatusChanged(customerId: "${customerId}") {\n    status\n    previousStatus\n    event\n    version\n  }\n}\n`,
    );
    await run(page);
    const current = JSON.parse(await waitForResult(page, ['"kycStatusChanged"']));
    expect(current.data.kycStatusChanged).toEqual({ status: "NOT_STARTED", previousStatus: null, event: null, version: 0 });

    const webhook = await app.postWebhook({
      event: "kyc.verification.success",
      customer_id: customerId,
      occurred_at: new Date().toISOString(),
    });
    expect(webhook.status).toBe(200);
    const updated = JSON.parse(await waitForResult(page, ['"PASSED"']));
    expect(updated.data.kycStatusChanged).toEqual({
      status: "PASSED",
      previousStatus: "NOT_STARTED",
      event: "kyc.verification.success",
      version: 1,
    });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}graphiql-subscription.png`, fullPage: true });
    expect(statSync(`${ARTIFACTS}graphiql-subscription.png`).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});
