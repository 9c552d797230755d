import { existsSync, mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JPEG_BYTES, PNG_BYTES } from "../support/kyc-files.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); playwright-core never downloads a browser. */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const WEB_CONFIG = fileURLToPath(new URL("../../examples/web/vite.config.ts", import.meta.url));
const TRUSTED_MANIFEST = fileURLToPath(new URL("../../examples/web/src/gql/persisted-documents.json", import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`web example browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let vite: ViteDevServer;
let webOrigin: string;
let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  if (!haveChromium) return;
  // The example's own Vite dev server (examples/web/vite.config.ts), on a free port: its origin is what CORS allows.
  vite = await createServer({ configFile: WEB_CONFIG, server: { port: 0, strictPort: false, host: "127.0.0.1" }, logLevel: "warn" });
  await vite.listen();
  webOrigin = vite.resolvedUrls!.local[0].replace(/\/$/, "");
  // With its persisted documents enforced, as production would: the app runs only what codegen listed.
  app = await startTestApp({ CORS_ORIGINS: webOrigin, TRUSTED_DOCUMENTS: TRUSTED_MANIFEST, TRUSTED_DOCUMENTS_MODE: "enforce" });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await vite?.close();
});

async function waitForStatus(page: Page, status: string) {
  await page.waitForFunction(
    (wanted) => (globalThis as any).document.querySelector("[data-testid=kyc-status]")?.textContent === wanted,
    status,
    { timeout: 30_000 },
  );
}

describe.skipIf(!haveChromium)("examples/web (React, Apollo Client, graphql-ws) in Debian's Chromium", () => {
  it("creates a customer, submits KYC, shows the live status, uploads the document Bond asks for, and shows each error where it belongs", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The browser logs each 4xx the tests provoke on purpose ("Failed to load resource"); anything else is a problem.
      if (message.type() === "error" && !/Failed to load resource/.test(message.text())) problems.push(`console error: ${message.text()}`);
    });
    try {
      await page.goto(`${webOrigin}/?api=${encodeURIComponent(app.graphqlUrl)}&token=${encodeURIComponent(await app.serviceToken())}`);

      // 1. Details, first with mistakes: the API's field errors appear next to their fields.
      const details = page.locator("form[aria-label='Create customer']");
      await details.locator("input[name=firstName]").fill("Jane");
      await details.locator("input[name=lastName]").fill("Doe");
      await details.locator("input[name=dob]").fill("1990-02-30");
      await details.locator("input[name=email]").fill("jane@example.com");
      await details.locator("input[name=street]").fill("1 Main St");
      await details.locator("input[name=city]").fill("Austin");
      await details.locator("input[name=state]").fill("ZZ");
      await details.locator("input[name=zipCode]").fill("78701");
      await details.getByRole("button", { name: "Create customer" }).click();
      await expect.poll(() => details.locator("[data-field-error=dob]").textContent(), { timeout: 20_000 }).toBeTruthy();
      expect(await details.locator("[data-field-error='addresses.0.state']").textContent()).toMatch(/state/i);
      expect(await details.locator("[data-error-code=BAD_USER_INPUT]").count()).toBe(1);
      await details.locator("input[name=dob]").fill("1990-05-17");
      await details.locator("input[name=state]").fill("TX");
      await details.getByRole("button", { name: "Create customer" }).click();
      await waitForStatus(page, "NOT_STARTED");

      // 2. KYC: a malformed SSN is refused next to its field; then Bond's sandbox asks for a government id.
      const kyc = page.locator("form[aria-label='Submit KYC']");
      await kyc.locator("input[name=ssn]").fill("12");
      await kyc.locator("input[name=phone]").fill("555-555-5555");
      await kyc.locator("input[name=email]").fill("jane@example.com");
      await kyc.getByRole("button", { name: "Submit KYC" }).click();
      await expect.poll(() => kyc.locator("[data-field-error=ssn]").count(), { timeout: 20_000 }).toBe(1);
      await kyc.locator("input[name=ssn]").fill("333-33-3333");
      await kyc.getByRole("button", { name: "Submit KYC" }).click();
      // The live status (subscription → Apollo's cache → the customer query) moves without a reload.
      await waitForStatus(page, "DOCUMENT_REQUIRED");

      // 3. The upload form Bond's request brings: a file whose content is not what its name says is refused next to it.
      const upload = page.locator("form[aria-label='Upload government_id']");
      await upload.locator("input[type=file]").setInputFiles({ name: "front.jpg", mimeType: "image/jpeg", buffer: PNG_BYTES(256) });
      await upload.getByRole("button", { name: "Upload" }).click();
      await expect
        .poll(() => upload.locator("[data-field-error='governmentId.frontImage']").textContent(), { timeout: 20_000 })
        .toMatch(/PNG/);
      await upload.locator("input[type=file]").setInputFiles({ name: "front.jpg", mimeType: "image/jpeg", buffer: JPEG_BYTES(256) });
      await upload.getByRole("button", { name: "Upload" }).click();
      await waitForStatus(page, "PASSED");

      // 4. Submitting again after a pass: the API says KYC_ALREADY_PASSED, the page says so in words.
      await kyc.getByRole("button", { name: "Submit KYC" }).click();
      const alreadyPassed = kyc.locator("[data-error-code=KYC_ALREADY_PASSED]");
      await expect.poll(() => alreadyPassed.count(), { timeout: 20_000 }).toBe(1);
      expect(await alreadyPassed.textContent()).toMatch(/already verified/);

      expect(problems).toEqual([]);
    } finally {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}web-example.png`, fullPage: true });
      await page.close();
    }
    expect(statSync(`${ARTIFACTS}web-example.png`).size).toBeGreaterThan(10_000);
  }, 180_000);
});
