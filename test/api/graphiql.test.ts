import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("GraphiQL at GET /graphql", () => {
  it("serves a page that loads everything from this server (works offline)", async () => {
    const response = await fetch(app.graphqlUrl, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("graphiql");
    // No CDN: every script and stylesheet is a path on this server.
    const external = [...html.matchAll(/(?:src|href)=["'](https?:)?\/\/[^"']+["']/g)].map((match) => match[0]);
    expect(external).toEqual([]);
    const assets = [...html.matchAll(/(?:src|href)=["'](\/[^"']+)["']/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const loaded = await fetch(`${app.url}${asset}`);
      expect(loaded.status, asset).toBe(200);
      expect((await loaded.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });

  it("does not serve files outside its allow-list", async () => {
    for (const path of ["/graphiql-assets/../package.json", "/graphiql-assets/%2e%2e%2fpackage.json", "/graphiql-assets/nope.js"]) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});
