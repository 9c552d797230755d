import { describe, expect, it } from "vitest";
import { nextReconcileAt } from "../../src/domain/reconcile-backoff.js";

describe("nextReconcileAt (per-customer back-off of the reconciler)", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const backoff = { baseMs: 60_000, maxMs: 3_600_000 };
  const delay = (lookups: number) => nextReconcileAt(lookups, now, backoff).getTime() - now.getTime();

  it("waits the base after the first lookup, doubling per lookup that found the customer still submitted", () => {
    expect([1, 2, 3, 4].map(delay)).toEqual([60_000, 120_000, 240_000, 480_000]);
  });

  it("never waits longer than the max, however many lookups (no overflow)", () => {
    expect(delay(7)).toBe(3_600_000);
    expect(delay(1_000)).toBe(3_600_000);
  });
});
