import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

const METRICS_TOKEN = "scrape-token-0123456789abcdef";

describe("GET /metrics", () => {
  let open: TestApp;
  let guarded: TestApp;
  beforeAll(async () => {
    [open, guarded] = await Promise.all([startTestApp(), startTestApp({ METRICS_TOKEN })]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), guarded?.close()]);
  });

  it("serves Node's default metrics under their standard names (no prefix), next to the app's own", async () => {
    const response = await fetch(`${open.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_version_info",
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(text).not.toContain("kyc_graphql_process_");
    expect(text).not.toContain("kyc_graphql_nodejs_");
    expect(text).toMatch(/^# TYPE kyc_graphql_operations_total counter/m);
  });

  it("with METRICS_TOKEN, answers 401 with a JSON code without the bearer token or with a wrong one", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-0123456789abcdef" },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${guarded.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = await response.json();
      expect(body).toMatchObject({ code: "UNAUTHENTICATED" });
      expect(JSON.stringify(body)).not.toContain("nodejs_");
    }
  });

  it("with METRICS_TOKEN, serves the metrics to the right bearer token", async () => {
    const response = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^process_cpu_seconds_total \d/m);
  });
});
