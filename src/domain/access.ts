import { Forbidden, Unauthenticated } from "./errors.js";

/**
 * Who is calling. A `customer` (a frontend acting for one person; the token's subject is the customer id)
 * may see and act on that customer only; a `service` (a back office or the operators' dashboard) may do
 * everything. Anonymous callers get nothing but the schema's landing page.
 */
export type Viewer =
  | { kind: "customer"; customerId: string; subject: string; expiresAt: Date | null }
  | { kind: "service"; subject: string; expiresAt: Date | null }
  | { kind: "anonymous"; reason: string };

export function requireAuthenticated(viewer: Viewer): Exclude<Viewer, { kind: "anonymous" }> {
  if (viewer.kind === "anonymous") throw new Unauthenticated(viewer.reason);
  return viewer;
}

/**
 * A customer may reach only their own record. Another id is refused with FORBIDDEN *before* anything is
 * looked up, so the answer is the same whether that customer exists or not (nothing is revealed).
 */
export function assertCanAccessCustomer(viewer: Viewer, customerId: string): void {
  const caller = requireAuthenticated(viewer);
  if (caller.kind === "service") return;
  if (caller.customerId !== customerId.toLowerCase()) throw new Forbidden("This token may only access its own customer record.");
}

/** Operations for the back office only: creating customers, listing and inspecting many customers. */
export function assertService(viewer: Viewer): void {
  const caller = requireAuthenticated(viewer);
  if (caller.kind !== "service") throw new Forbidden("This operation needs a service token.");
}

/** The key rate limits are counted under: one bucket per token subject. */
export function rateLimitKey(viewer: Viewer): string {
  const caller = requireAuthenticated(viewer);
  return `${caller.kind}:${caller.subject}`;
}
