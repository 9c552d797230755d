import { DelegateBackoff, handleWhen, retry } from "cockatiel";
import { attemptTimeoutMs, decideRetry, type RetrySettings } from "./retry-policy.js";

export interface RetryRun {
  settings: RetrySettings;
  /** One attempt's own timeout; the last attempts get less when the budget runs short. */
  timeoutMs: number;
  isRetryable(error: unknown): boolean;
  /** Bond's Retry-After for this failure, in ms, if it sent one. */
  retryAfterMs(error: unknown): number | null;
  /** Told before each wait (for logs). */
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

/**
 * Runs `call` until it succeeds, fails for good, or the budget is spent; the last error is thrown.
 * cockatiel does the looping and waiting; `decideRetry` (plain, unit-tested) makes every decision.
 * Elapsed time is measured on the monotonic clock, never the app's injectable one.
 */
export function withRetries<T>(call: (timeoutMs: number) => Promise<T>, run: RetryRun): Promise<T> {
  const { settings } = run;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let attempt = 0;
  let nextDelayMs = 0;
  const policy = retry(
    handleWhen((error) => {
      const decision = decideRetry({
        retryable: run.isRetryable(error),
        attempt,
        elapsedMs: elapsed(),
        retryAfterMs: run.retryAfterMs(error),
        settings,
      });
      if (!decision.retry) return false;
      nextDelayMs = decision.delayMs;
      run.onRetry?.({ attempt, delayMs: decision.delayMs, error });
      return true;
    }),
    { maxAttempts: Math.max(0, settings.maxAttempts - 1), backoff: new DelegateBackoff(() => nextDelayMs) },
  );
  return policy.execute(() => {
    attempt += 1;
    return call(attemptTimeoutMs(run.timeoutMs, elapsed(), settings.budgetMs));
  });
}
