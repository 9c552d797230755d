import { and, desc, eq, gte, lte, ne, notInArray, sql } from "drizzle-orm";
import { KycAttemptStatus } from "../domain/kyc-attempt.js";
import type { KycAttemptRecord } from "../domain/kyc-records.js";
import type { Database, Transaction } from "./database.js";
import { customers, idempotencyKeys, kycAttempts } from "./schema.js";

type Executor = Database | Transaction;

/** KYC attempts (submissions) and the client idempotency keys that point at them. */
export class KycAttemptRepository {
  constructor(private readonly db: Database) {}

  /** Opens the customer's next round (under the customer's lock) and returns its number. */
  async openRound(tx: Transaction, customerId: string): Promise<number> {
    const [row] = await tx
      .update(customers)
      .set({ kycRound: sql`${customers.kycRound} + 1` })
      .where(eq(customers.id, customerId))
      .returning({ kycRound: customers.kycRound });
    return row.kycRound;
  }

  async findAttempt(id: string, executor: Executor = this.db): Promise<KycAttemptRecord | null> {
    const [row] = await executor.select().from(kycAttempts).where(eq(kycAttempts.id, id));
    return row ?? null;
  }

  async listAttempts(customerId: string): Promise<KycAttemptRecord[]> {
    return this.db
      .select()
      .from(kycAttempts)
      .where(eq(kycAttempts.customerId, customerId))
      .orderBy(desc(kycAttempts.createdAt), desc(kycAttempts.id));
  }

  async hasPendingAttempt(tx: Transaction, customerId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: kycAttempts.id })
      .from(kycAttempts)
      .where(and(eq(kycAttempts.customerId, customerId), eq(kycAttempts.status, KycAttemptStatus.PENDING)))
      .limit(1);
    return rows.length > 0;
  }

  /** Whether another attempt of the customer, started no earlier than `attempt`, is pending or was accepted. */
  async hasOtherAttemptSince(tx: Transaction, customerId: string, attempt: Pick<KycAttemptRecord, "id" | "createdAt">): Promise<boolean> {
    const rows = await tx
      .select({ id: kycAttempts.id })
      .from(kycAttempts)
      .where(
        and(
          eq(kycAttempts.customerId, customerId),
          ne(kycAttempts.id, attempt.id),
          gte(kycAttempts.createdAt, attempt.createdAt),
          notInArray(kycAttempts.status, [KycAttemptStatus.NOT_SENT, KycAttemptStatus.REJECTED]),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  async insertAttempt(tx: Transaction, attempt: Omit<KycAttemptRecord, "rejectionCode" | "sentAt">): Promise<KycAttemptRecord> {
    const [row] = await tx.insert(kycAttempts).values(attempt).returning();
    return row;
  }

  async updateAttempt(
    id: string,
    changes: Partial<Pick<KycAttemptRecord, "status" | "sealedSubmission" | "rejectionCode" | "sentAt">>,
    now: Date,
    executor: Executor = this.db,
  ): Promise<KycAttemptRecord> {
    const [row] = await executor
      .update(kycAttempts)
      .set({ ...changes, updatedAt: now })
      .where(eq(kycAttempts.id, id))
      .returning();
    return row;
  }

  /** A client key's record with the status of the attempt behind it; null when the key is unknown. */
  async findIdempotencyKey(
    tx: Transaction,
    customerId: string,
    key: string,
  ): Promise<{ fingerprint: string; expiresAt: Date; attemptId: string; attemptStatus: KycAttemptStatus } | null> {
    const [row] = await tx
      .select({
        fingerprint: idempotencyKeys.fingerprint,
        expiresAt: idempotencyKeys.expiresAt,
        attemptId: idempotencyKeys.attemptId,
        attemptStatus: kycAttempts.status,
      })
      .from(idempotencyKeys)
      .innerJoin(kycAttempts, eq(kycAttempts.id, idempotencyKeys.attemptId))
      .where(and(eq(idempotencyKeys.customerId, customerId), eq(idempotencyKeys.key, key)));
    return row ?? null;
  }

  /** Records a key for an attempt, replacing an expired record of the same key. */
  async saveIdempotencyKey(
    tx: Transaction,
    record: { customerId: string; key: string; fingerprint: string; attemptId: string; expiresAt: Date; createdAt: Date },
  ): Promise<void> {
    await tx
      .insert(idempotencyKeys)
      .values(record)
      .onConflictDoUpdate({
        target: [idempotencyKeys.customerId, idempotencyKeys.key],
        set: { fingerprint: record.fingerprint, attemptId: record.attemptId, expiresAt: record.expiresAt, createdAt: record.createdAt },
      });
  }

  /** Deletes idempotency keys whose 24 hours are over (the periodic purge); returns how many. */
  async purgeIdempotencyKeysExpiredBy(now: Date): Promise<number> {
    const deleted = await this.db
      .delete(idempotencyKeys)
      .where(lte(idempotencyKeys.expiresAt, now))
      .returning({ key: idempotencyKeys.key });
    return deleted.length;
  }
}
