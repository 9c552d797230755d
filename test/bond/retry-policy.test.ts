import { describe, expect, it } from "vitest";
import { attemptTimeoutMs, backoffDelayMs, decideRetry, parseRetryAfter, type RetrySettings } from "../../src/bond/retry-policy.js";

const settings: RetrySettings = { budgetMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 5 };
const now = new Date("2025-03-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads an HTTP date, relative to now, never negative", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 11:59:00 GMT", now)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-1", now)).toBeNull();
    expect(parseRetryAfter("2025-03-01T12:00:05Z", now)).toBeNull();
  });
});

describe("backoffDelayMs", () => {
  it("doubles the ceiling per attempt up to the maximum, with full jitter", () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, settings, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelayMs(4, settings, () => 0)).toBe(0);
    expect(backoffDelayMs(3, settings, () => 0.5)).toBe(200);
  });
});

describe("decideRetry", () => {
  const base = { retryable: true, attempt: 1, elapsedMs: 0, retryAfterMs: null, settings, random: () => 0.5 };

  it("retries a retryable failure after a jittered back-off", () => {
    expect(decideRetry(base)).toEqual({ retry: true, delayMs: 50 });
  });
  it("does not retry what is not retryable", () => {
    expect(decideRetry({ ...base, retryable: false })).toEqual({ retry: false, reason: "not-retryable" });
  });
  it("stops after the last attempt", () => {
    expect(decideRetry({ ...base, attempt: 5 })).toEqual({ retry: false, reason: "attempts-spent" });
  });
  it("waits at least as long as Retry-After asks", () => {
    expect(decideRetry({ ...base, retryAfterMs: 2_000 })).toEqual({ retry: true, delayMs: 2_000 });
    expect(decideRetry({ ...base, attempt: 4, retryAfterMs: 10, random: () => 0.999999 })).toEqual({ retry: true, delayMs: 800 });
  });
  it("gives up now when the wait would not leave room for another attempt in the budget", () => {
    expect(decideRetry({ ...base, retryAfterMs: 60_000 })).toEqual({ retry: false, reason: "budget-spent" });
    expect(decideRetry({ ...base, elapsedMs: 9_990 })).toEqual({ retry: false, reason: "budget-spent" });
  });
});

describe("attemptTimeoutMs", () => {
  it("is the call's timeout, cut to what is left of the budget, never below a floor", () => {
    expect(attemptTimeoutMs(2_000, 0, 10_000)).toBe(2_000);
    expect(attemptTimeoutMs(2_000, 9_000, 10_000)).toBe(1_000);
    expect(attemptTimeoutMs(2_000, 10_500, 10_000)).toBe(50);
    // AbortSignal.timeout takes whole milliseconds only.
    expect(attemptTimeoutMs(2_000, 8_000.4, 10_000)).toBe(1_999);
  });
});
