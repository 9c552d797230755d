/** How long the reconciler waits before asking Bond again about one customer Bond keeps reporting as submitted. */
export interface ReconcileBackoff {
  baseMs: number;
  maxMs: number;
}

/**
 * After the `lookups`-th lookup (1 = the first) that left the customer SUBMITTED: the next is due after
 * base × 2^(lookups−1), capped at max. Pure: the caller stores the answer with the customer.
 */
export function nextReconcileAt(lookups: number, now: Date, backoff: ReconcileBackoff): Date {
  const exponent = Math.max(0, Math.min(lookups - 1, 40));
  const delay = Math.min(backoff.baseMs * 2 ** exponent, backoff.maxMs);
  return new Date(now.getTime() + delay);
}
