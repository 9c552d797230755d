/**
 * When a call to Bond may be tried again, and how long to wait first. Plain functions (no HTTP, no
 * timers) so the rules are unit-tested directly; `bond-retry.ts` runs them through cockatiel.
 */

export interface RetrySettings {
  /** Total time one logical call may take, all attempts and waits included. */
  budgetMs: number;
  /** First back-off; doubled per attempt, then randomised ("full jitter"). */
  baseDelayMs: number;
  /** Largest back-off between two attempts (Retry-After may ask for more, within the budget). */
  maxDelayMs: number;
  /** Most attempts in all, the first included. */
  maxAttempts: number;
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds from
 * `now`, 0 for a date in the past, or null when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === "") return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date always names a weekday and GMT; Date.parse reads IMF-fixdate and the obsolete forms.
  if (!/GMT$/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** Exponential back-off with full jitter: a random wait in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelayMs(
  attempt: number,
  settings: Pick<RetrySettings, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: "not-retryable" | "attempts-spent" | "budget-spent" };

/**
 * Decides whether to try again after the `attempt`-th failure. A Retry-After from Bond is a floor on
 * the wait (we never call back sooner than asked); if the wait would not leave time for another
 * attempt within the budget, we stop now rather than call back too early or too late.
 */
export function decideRetry(input: {
  retryable: boolean;
  attempt: number;
  elapsedMs: number;
  retryAfterMs: number | null;
  settings: RetrySettings;
  random?: () => number;
}): RetryDecision {
  const { settings } = input;
  if (!input.retryable) return { retry: false, reason: "not-retryable" };
  if (input.attempt >= settings.maxAttempts) return { retry: false, reason: "attempts-spent" };
  const backoff = backoffDelayMs(input.attempt, settings, input.random);
  const delayMs = Math.max(backoff, input.retryAfterMs ?? 0);
  // Leave at least a few milliseconds for the next attempt itself.
  if (input.elapsedMs + delayMs + MIN_ATTEMPT_MS > settings.budgetMs) return { retry: false, reason: "budget-spent" };
  return { retry: true, delayMs };
}

/** An attempt given less time than this could not get an answer from anything real. */
export const MIN_ATTEMPT_MS = 50;

/** How long the next attempt may wait for an answer: its own timeout, cut to what is left of the budget. */
export function attemptTimeoutMs(timeoutMs: number, elapsedMs: number, budgetMs: number): number {
  return Math.floor(Math.max(MIN_ATTEMPT_MS, Math.min(timeoutMs, budgetMs - elapsedMs)));
}
