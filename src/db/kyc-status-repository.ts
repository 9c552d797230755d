import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { ACCEPTED_ATTEMPT_STATUSES, type KycAttemptStatus } from "../domain/kyc-attempt.js";
import type { CustomerRecord, CustomerKycState, KycEventRecord } from "../domain/kyc-records.js";
import type { KycState } from "../domain/kyc-status.js";
import type { KycDetails, KycSave } from "../domain/kyc-status-change.js";
import type { KycStatusChange } from "../realtime/kyc-status-bus.js";
import type { Database, Transaction } from "./database.js";
import { customers, kycAttempts, kycEvents, kycStatusChanges } from "./schema.js";

/** The status core's storage: a customer's KYC status, the round's attempt that follows it, and Bond's stored events. */
export class KycStatusRepository {
  constructor(private readonly db: Database) {}

  /** Reads the customer's status and locks the row until the transaction ends: serialises changes to one customer. */
  async lockCustomer(tx: Transaction, id: string): Promise<CustomerKycState | null> {
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

  /**
   * Saves a new status (under the customer's lock) with what it decided for the round's attempt: the
   * state and details (the version goes up), the accepted attempt's status, and the pass's program.
   * `attemptUpdated` is false when the round has no accepted attempt yet (its send then catches up).
   */
  async saveStatusChange(
    tx: Transaction,
    customerId: string,
    save: Extract<KycSave, { kind: "status" }>,
    attempt: { status: KycAttemptStatus; recordsPass: boolean; now: Date },
  ): Promise<{ kycVersion: number; attemptUpdated: boolean }> {
    const { kycVersion } = await this.saveKycState(tx, customerId, { ...save.state, event: save.event, ...save.details });
    const updated = await this.updateLatestAcceptedAttempt(tx, customerId, save.state.statusRound, attempt.status, attempt.now);
    // The pass is the customer's (Bond's webhooks name no program); the attempt it belongs to says which program.
    if (updated && attempt.recordsPass) await tx.update(customers).set({ kycPassedProgramId: updated.programId }).where(eq(customers.id, customerId));
    return { kycVersion, attemptUpdated: updated !== null };
  }

  async saveKycState(tx: Transaction, id: string, state: KycState & KycDetails & { event: string }): Promise<{ kycVersion: number }> {
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
  async saveKycDetails(tx: Transaction, id: string, details: Partial<KycDetails>, ordering?: Pick<KycState, "statusAt" | "statusRound" | "bondTimeMicros">): Promise<CustomerRecord> {
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
   * Sets the status of the accepted attempt of `round` (the round the status belongs to), in one statement
   * (this runs under the customer's lock on every status change); null if there is none — e.g. the round's
   * attempt is still PENDING because Bond's webhook beat our commit (the send then catches up), so an
   * earlier round's attempt is never given a later round's status.
   */
  private async updateLatestAcceptedAttempt(tx: Transaction, customerId: string, round: number, status: KycAttemptStatus, now: Date): Promise<{ programId: string } | null> {
    const latest = tx
      .select({ id: kycAttempts.id })
      .from(kycAttempts)
      .where(and(eq(kycAttempts.customerId, customerId), eq(kycAttempts.round, round), inArray(kycAttempts.status, [...ACCEPTED_ATTEMPT_STATUSES])))
      .orderBy(sql`${kycAttempts.sentAt} desc nulls last`)
      .limit(1);
    const [updated] = await tx.update(kycAttempts).set({ status, updatedAt: now }).where(inArray(kycAttempts.id, latest)).returning({ programId: kycAttempts.programId });
    return updated ?? null;
  }

  /** Stores a webhook event unless the same event was stored before; returns false for a duplicate. */
  async insertEventOnce(tx: Transaction, event: Omit<KycEventRecord, "id" | "receivedAt"> & { identity: string }): Promise<boolean> {
    const inserted = await tx.insert(kycEvents).values(event).onConflictDoNothing({ target: kycEvents.identity }).returning({ id: kycEvents.id });
    return inserted.length > 0;
  }

  async listEvents(customerId: string): Promise<KycEventRecord[]> {
    return this.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId)).orderBy(kycEvents.receivedAt, kycEvents.id);
  }

  /** Keeps a status change in the customer's history (same transaction as the change: both commit or neither). */
  async recordStatusChange(tx: Transaction, change: KycStatusChange): Promise<void> {
    await tx.insert(kycStatusChanges).values({
      customerId: change.customerId,
      version: change.version,
      status: change.status,
      previousStatus: change.previousStatus,
      occurredAt: change.occurredAt,
      event: change.event,
    });
  }

  /** The customer's status changes after `version`, oldest first. */
  async listStatusChangesAfter(customerId: string, version: number): Promise<KycStatusChange[]> {
    return this.db
      .select({
        customerId: kycStatusChanges.customerId,
        version: kycStatusChanges.version,
        status: kycStatusChanges.status,
        previousStatus: kycStatusChanges.previousStatus,
        occurredAt: kycStatusChanges.occurredAt,
        event: kycStatusChanges.event,
      })
      .from(kycStatusChanges)
      .where(and(eq(kycStatusChanges.customerId, customerId), gt(kycStatusChanges.version, version)))
      .orderBy(asc(kycStatusChanges.version));
  }
}
