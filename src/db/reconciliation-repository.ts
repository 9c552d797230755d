import { and, asc, eq, inArray, isNull, lt, or, lte } from "drizzle-orm";
import { KycAttemptStatus } from "../domain/kyc-attempt.js";
import { KycStatus } from "../domain/kyc-status.js";
import type { Database } from "./database.js";
import type { KycAttemptRecord } from "../domain/kyc-records.js";
import { customers, kycAttempts } from "./schema.js";

/** The queries of the background reconciler (kept apart from the request path's repository). */
export class ReconciliationRepository {
  constructor(private readonly db: Database) {}

  /**
   * Takes up to `limit` attempts left PENDING since before `cutoff` (their sender crashed or hung) and
   * stamps them `now`, in one transaction with `skip locked`: two instances never take the same attempt,
   * and a taken attempt is not taken again before `cutoff` comes round once more.
   */
  async claimAbandonedAttempts(cutoff: Date, now: Date, limit: number): Promise<KycAttemptRecord[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: kycAttempts.id })
        .from(kycAttempts)
        .where(and(eq(kycAttempts.status, KycAttemptStatus.PENDING), lt(kycAttempts.updatedAt, cutoff)))
        .orderBy(asc(kycAttempts.updatedAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return [];
      return tx
        .update(kycAttempts)
        .set({ updatedAt: now })
        .where(
          inArray(
            kycAttempts.id,
            rows.map((row) => row.id),
          ),
        )
        .returning();
    });
  }

  /** Customers SUBMITTED since before `cutoff`: their outcome webhook is overdue. Those backed off past `now` wait. */
  async customersSubmittedBefore(cutoff: Date, limit: number, now: Date = new Date()): Promise<Array<{ id: string; lookups: number }>> {
    const rows = await this.db
      .select({ id: customers.id, lookups: customers.reconcileLookups })
      .from(customers)
      // Compared column by column (not through coalesce) so the driver maps the Date as the column's type.
      .where(
        and(
          eq(customers.kycStatus, KycStatus.SUBMITTED),
          or(lt(customers.kycStatusAt, cutoff), and(isNull(customers.kycStatusAt), lt(customers.updatedAt, cutoff))),
          or(isNull(customers.reconcileNextAt), lte(customers.reconcileNextAt, now)),
        ),
      )
      .orderBy(asc(customers.updatedAt))
      .limit(limit);
    return rows;
  }

  /** Records a lookup's back-off: `nextAt` null (and lookups 0) once it changed the status. */
  async recordReconcileLookup(customerId: string, lookups: number, nextAt: Date | null): Promise<void> {
    await this.db.update(customers).set({ reconcileLookups: lookups, reconcileNextAt: nextAt }).where(eq(customers.id, customerId));
  }
}
