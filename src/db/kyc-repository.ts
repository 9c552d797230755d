import { and, desc, eq, exists, gt, gte, inArray, lte, ne, notInArray, sql, type SQL } from "drizzle-orm";
import type { KycFailureReasons } from "../domain/bond-webhook.js";
import type { CustomerListQuery } from "../domain/customer-list.js";
import type { CustomerChanges, CustomerDetails } from "../domain/customer.js";
import { ACCEPTED_ATTEMPT_STATUSES, KycAttemptStatus } from "../domain/kyc-attempt.js";
import type { KycState } from "../domain/kyc-status.js";
import type { Database, Transaction } from "./database.js";
import { customers, idempotencyKeys, kycAttempts, kycEvents, type CustomerRow, type KycAttemptRow, type KycEventRow } from "./schema.js";

type Executor = Database | Transaction;

/** What a status change needs of a customer (reading and locking only this keeps the hot path cheap). */
export type LockedCustomer = Pick<CustomerRow, "id" | "kycStatus" | "kycStatusAt" | "kycPassedAt" | "kycRound" | "kycStatusRound" | "kycBondTimeMicros">;

export function kycStateOf(customer: LockedCustomer): KycState {
  return {
    status: customer.kycStatus,
    statusAt: customer.kycStatusAt,
    passedAt: customer.kycPassedAt,
    round: customer.kycRound,
    statusRound: customer.kycStatusRound,
    bondTimeMicros: customer.kycBondTimeMicros,
  };
}

/**
 * Customers, KYC attempts, idempotency keys and webhook events in Postgres. Methods that take an
 * executor run inside the caller's transaction; `transaction` opens one.
 */
export class KycRepository {
  /** The hottest read (every `customer` query, every subscription start), built once rather than per call. */
  private readonly customerById;

  constructor(private readonly db: Database) {
    this.customerById = db.select().from(customers).where(eq(customers.id, sql.placeholder("id"))).prepare("customer_by_id");
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findCustomer(id: string, executor?: Executor): Promise<CustomerRow | null> {
    const [row] = executor ? await executor.select().from(customers).where(eq(customers.id, id)) : await this.customerById.execute({ id });
    return row ?? null;
  }

  /** The status columns of these customers (the ones that exist). */
  async findKycStatuses(ids: string[]) {
    if (ids.length === 0) return [];
    return this.db
      .select({
        id: customers.id,
        kycStatus: customers.kycStatus,
        kycStatusAt: customers.kycStatusAt,
        kycStatusEvent: customers.kycStatusEvent,
        kycVersion: customers.kycVersion,
        createdAt: customers.createdAt,
      })
      .from(customers)
      .where(inArray(customers.id, ids));
  }

  /** Reads the customer and locks the row until the transaction ends: serialises changes to one customer. */
  async lockCustomer(tx: Transaction, id: string): Promise<LockedCustomer | null> {
    const [row] = await tx
      .select({
        id: customers.id,
        kycStatus: customers.kycStatus,
        kycStatusAt: customers.kycStatusAt,
        kycPassedAt: customers.kycPassedAt,
        kycRound: customers.kycRound,
        kycStatusRound: customers.kycStatusRound,
        kycBondTimeMicros: customers.kycBondTimeMicros,
      })
      .from(customers)
      .where(eq(customers.id, id))
      .for("update");
    return row ?? null;
  }

  /** Opens the customer's next round (under the customer's lock) and returns its number. */
  async openRound(tx: Transaction, id: string): Promise<number> {
    const [row] = await tx
      .update(customers)
      .set({ kycRound: sql`${customers.kycRound} + 1` })
      .where(eq(customers.id, id))
      .returning({ kycRound: customers.kycRound });
    return row.kycRound;
  }

  /** `now` (a JavaScript Date, so millisecond precision) is the row's createdAt: the value clients see is exactly the stored one, so filters like createdAfter behave. */
  async insertCustomer(id: string, details: CustomerDetails, bondCreatedAt: Date | null, now: Date): Promise<CustomerRow> {
    const [row] = await this.db
      .insert(customers)
      .values({ id, ...details, bondCreatedAt, createdAt: now, updatedAt: now })
      .returning();
    return row;
  }

  async updateCustomerDetails(tx: Transaction, id: string, changes: CustomerChanges): Promise<CustomerRow> {
    const [row] = await tx
      .update(customers)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(customers.id, id))
      .returning();
    return row;
  }

  async saveKycState(
    tx: Transaction,
    id: string,
    state: KycState & { event: string; documentsRequired: string[]; failureReasons: KycFailureReasons | null; incorrectInformation: string[] },
  ): Promise<{ kycVersion: number }> {
    const [row] = await tx
      .update(customers)
      .set({
        kycStatus: state.status,
        kycStatusAt: state.statusAt,
        kycPassedAt: state.passedAt,
        kycRound: state.round,
        kycStatusRound: state.statusRound,
        kycBondTimeMicros: state.bondTimeMicros,
        kycStatusEvent: state.event,
        kycDocumentsRequired: state.documentsRequired,
        kycFailureReasons: state.failureReasons,
        kycIncorrectInformation: state.incorrectInformation,
        kycVersion: sql`${customers.kycVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(customers.id, id))
      .returning({ kycVersion: customers.kycVersion });
    return row;
  }

  /** Replaces the details of the current status (documents still required, failure reasons, fields to fix); the status stays. */
  async saveKycDetails(
    tx: Transaction,
    id: string,
    details: { documentsRequired?: string[]; failureReasons?: KycFailureReasons | null; incorrectInformation?: string[] },
    ordering?: Pick<KycState, "statusAt" | "statusRound" | "bondTimeMicros">,
  ): Promise<CustomerRow> {
    const [row] = await tx
      .update(customers)
      .set({
        ...(details.documentsRequired ? { kycDocumentsRequired: details.documentsRequired } : {}),
        ...(details.failureReasons !== undefined ? { kycFailureReasons: details.failureReasons } : {}),
        ...(details.incorrectInformation ? { kycIncorrectInformation: details.incorrectInformation } : {}),
        ...(ordering ? { kycStatusAt: ordering.statusAt, kycStatusRound: ordering.statusRound, kycBondTimeMicros: ordering.bondTimeMicros } : {}),
        updatedAt: new Date(),
      })
      .where(eq(customers.id, id))
      .returning();
    return row;
  }

  /**
   * One page of customers, newest first by (created_at, id), with one extra row to tell whether more
   * follow. Each row carries `cursorCreatedAt`, Postgres's own text for created_at: a JavaScript Date would
   * drop the microseconds and make the keyset skip or repeat rows.
   */
  async listCustomers(query: CustomerListQuery): Promise<Array<CustomerRow & { cursorCreatedAt: string }>> {
    const { filter, first, after } = query;
    const conditions: SQL[] = [];
    if (filter.kycStatus) conditions.push(eq(customers.kycStatus, filter.kycStatus));
    if (filter.createdAfter) conditions.push(gt(customers.createdAt, filter.createdAfter));
    if (filter.programId) {
      conditions.push(
        exists(
          this.db
            .select({ one: sql`1` })
            .from(kycAttempts)
            .where(and(eq(kycAttempts.programId, filter.programId), eq(kycAttempts.customerId, customers.id))),
        ),
      );
    }
    if (after) conditions.push(sql`(${customers.createdAt}, ${customers.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
    // UTC text whatever the session's time zone, so a cursor reads back the same on any connection.
    const cursorCreatedAt = sql<string>`to_char(${customers.createdAt} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`;
    const rows = await this.db
      .select({ customer: customers, cursorCreatedAt })
      .from(customers)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(customers.createdAt), desc(customers.id))
      .limit(first + 1);
    return rows.map((row) => ({ ...row.customer, cursorCreatedAt: row.cursorCreatedAt }));
  }

  async findAttempt(id: string, executor: Executor = this.db): Promise<KycAttemptRow | null> {
    const [row] = await executor.select().from(kycAttempts).where(eq(kycAttempts.id, id));
    return row ?? null;
  }

  async listAttempts(customerId: string): Promise<KycAttemptRow[]> {
    return this.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, customerId)).orderBy(desc(kycAttempts.createdAt), desc(kycAttempts.id));
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
  async hasOtherAttemptSince(tx: Transaction, customerId: string, attempt: Pick<KycAttemptRow, "id" | "createdAt">): Promise<boolean> {
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

  async insertAttempt(tx: Transaction, attempt: typeof kycAttempts.$inferInsert): Promise<KycAttemptRow> {
    const [row] = await tx.insert(kycAttempts).values(attempt).returning();
    return row;
  }

  async updateAttempt(
    id: string,
    changes: Partial<Pick<KycAttemptRow, "status" | "sealedSubmission" | "rejectionCode" | "sentAt">>,
    now: Date,
    executor: Executor = this.db,
  ): Promise<KycAttemptRow> {
    const [row] = await executor
      .update(kycAttempts)
      .set({ ...changes, updatedAt: now })
      .where(eq(kycAttempts.id, id))
      .returning();
    return row;
  }

  /**
   * Sets the status of the accepted attempt of `round` (the round the status belongs to), in one statement
   * (this runs under the customer's lock on every status change); null if there is none — e.g. the round's
   * attempt is still PENDING because Bond's webhook beat our commit (the send then catches up), so an
   * earlier round's attempt is never given a later round's status.
   */
  async updateLatestAcceptedAttempt(tx: Transaction, customerId: string, round: number, status: KycAttemptStatus, now: Date): Promise<{ programId: string } | null> {
    const latest = tx
      .select({ id: kycAttempts.id })
      .from(kycAttempts)
      .where(and(eq(kycAttempts.customerId, customerId), eq(kycAttempts.round, round), inArray(kycAttempts.status, [...ACCEPTED_ATTEMPT_STATUSES])))
      .orderBy(sql`${kycAttempts.sentAt} desc nulls last`)
      .limit(1);
    const [updated] = await tx.update(kycAttempts).set({ status, updatedAt: now }).where(inArray(kycAttempts.id, latest)).returning({ programId: kycAttempts.programId });
    return updated ?? null;
  }

  /** Records which program the customer's pass came through. */
  async savePassedProgram(tx: Transaction, customerId: string, programId: string): Promise<void> {
    await tx.update(customers).set({ kycPassedProgramId: programId }).where(eq(customers.id, customerId));
  }

  async findIdempotencyKey(tx: Transaction, customerId: string, key: string) {
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
  async saveIdempotencyKey(tx: Transaction, record: typeof idempotencyKeys.$inferInsert): Promise<void> {
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
    const deleted = await this.db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).returning({ key: idempotencyKeys.key });
    return deleted.length;
  }

  /** Stores a webhook event unless the same event was stored before; returns false for a duplicate. */
  async insertEventOnce(tx: Transaction, event: typeof kycEvents.$inferInsert): Promise<boolean> {
    const inserted = await tx.insert(kycEvents).values(event).onConflictDoNothing({ target: kycEvents.identity }).returning({ id: kycEvents.id });
    return inserted.length > 0;
  }

  async listEvents(customerId: string): Promise<KycEventRow[]> {
    return this.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId)).orderBy(kycEvents.receivedAt, kycEvents.id);
  }
}
