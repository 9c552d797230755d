import { and, asc, eq, gt, sql } from "drizzle-orm";
import { ACCEPTED_ATTEMPT_STATUSES } from "../domain/kyc-attempt.js";
import type { CustomerRecord, CustomerKycState, KycEventRecord } from "../domain/kyc-records.js";
import type { KycState } from "../domain/kyc-status.js";
import type { KycDetails, KycStatusDecision } from "../domain/kyc-status-change.js";
import type { KycStatusChange } from "../realtime/kyc-status-bus.js";
import type { Database, Transaction } from "./database.js";
import { customers, kycEvents, kycStatusChanges } from "./schema.js";
import { joined, rowsOf, runStatement, statement, type Statement } from "./statement.js";

/** A customer locked for a webhook: the state, the version, and what the webhook's delivery and event were found to be. */
export interface CustomerLockedForEvent extends CustomerKycState {
  kycVersion: number;
  /** False when this delivery's receipt was there already (a replay): nothing else to do. */
  firstDelivery: boolean;
  /**
   * Whether the event (by the identity given) is stored already; null when no identity was given. Read in the
   * statement that takes the lock, so with that statement's snapshot: a copy committed while it waited for the
   * lock is not seen (`saveDecision`'s `eventMustBeNew` then refuses it, and the caller tries again).
   */
  eventStored: boolean | null;
}

/** A Bond event to store with its decision (the kyc_events row). */
export type KycEventToStore = Omit<KycEventRecord, "id" | "receivedAt" | "outcome" | "statusAfter"> & { identity: string };

/** The error `saveDecision` raises when an event it was told is new was stored meanwhile (Postgres' division_by_zero, on purpose). */
export const EVENT_STORED_MEANWHILE = "22012";

/** A timestamptz as the driver gives it on a raw statement (drizzle has postgres.js leave it as text). */
function dateOf(value: unknown): Date | null {
  return value === null || value === undefined ? null : value instanceof Date ? value : new Date(value as string);
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

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
   * The first of a webhook's two statements: locks the customer's row, records the delivery's receipt (kept per
   * round: `<signature hash>:round:<the customer's round>`) and reads the state, the version and whether the
   * event is stored already. Null when there is no such customer (and then no receipt is kept).
   */
  async lockForEvent(
    tx: Transaction,
    customerId: string,
    receipt: { signatureHash: string; receivedAt: Date } | null,
    identity: string | null,
  ): Promise<CustomerLockedForEvent | null> {
    const result = await runStatement(
      tx,
      statement`
      with customer as (
        select id, kyc_status, kyc_status_at, kyc_passed_at, kyc_round, kyc_status_round, kyc_bond_time_micros, kyc_version
        from customers where id = ${customerId} for update
      ), receipt as (
        insert into webhook_receipts (signature_hash, received_at)
        select ${receipt?.signatureHash ?? null}::text || ':round:' || customer.kyc_round, ${iso(receipt?.receivedAt ?? null)}::timestamptz
        from customer where ${receipt?.signatureHash ?? null}::text is not null
        on conflict do nothing
        returning 1
      )
      select customer.*,
        (${receipt?.signatureHash ?? null}::text is null or exists (select 1 from receipt)) as first_delivery,
        case when ${identity}::text is null then null else exists (select 1 from kyc_events where identity = ${identity}::text) end as event_stored
      from customer`,
    );
    const [row] = rowsOf<Record<string, unknown>>(result);
    if (!row) return null;
    return {
      id: row.id as string,
      kycStatus: row.kyc_status as CustomerKycState["kycStatus"],
      kycStatusAt: dateOf(row.kyc_status_at),
      kycPassedAt: dateOf(row.kyc_passed_at),
      kycRound: Number(row.kyc_round),
      kycStatusRound: Number(row.kyc_status_round),
      kycBondTimeMicros: row.kyc_bond_time_micros === null ? null : Number(row.kyc_bond_time_micros),
      kycVersion: Number(row.kyc_version),
      firstDelivery: row.first_delivery as boolean,
      eventStored: row.event_stored as boolean | null,
    };
  }

  /**
   * The second statement: everything a decision says, at once. With `event`, the event is stored unless it was
   * before (then nothing else is written, and `eventStored` is false) and, when `eventMustBeNew`, a copy stored
   * meanwhile fails the statement (EVENT_STORED_MEANWHILE) instead. Then the customer's new state (a new status:
   * the version goes up, the round's accepted attempt takes its status, a pass records the attempt's program,
   * the history row is written) or the refreshed details. Null when there was nothing to write.
   */
  saveDecision(
    tx: Transaction,
    customerId: string,
    decision: KycStatusDecision,
    options: {
      event?: KycEventToStore;
      eventMustBeNew?: boolean;
      change?: { previousStatus: KycState["status"] | null; occurredAt: Date; event: string | null };
      now: Date;
    },
  ): Promise<{ eventStored: boolean; kycVersion: number | null; attemptUpdated: boolean }> | null {
    const { save } = decision;
    const { event } = options;
    const status =
      save?.kind === "status" && decision.transition.kind === "changed" && decision.attemptStatus && options.change ? save : null;
    const details = save?.kind === "details" ? save : null;
    if (!event && !status && !details) return null;
    const parts: Statement[] = [];
    const written = event ? statement`exists (select 1 from event)` : statement`true`;
    if (event) {
      parts.push(statement`event as (
        insert into kyc_events (identity, customer_id, event, occurred_at, occurred_at_micros, round, payload, outcome, status_after)
        values (${event.identity}, ${event.customerId}, ${event.event}, ${iso(event.occurredAt)}::timestamptz, ${event.occurredAtMicros}::bigint, ${event.round}::int,
          ${JSON.stringify(event.payload)}::jsonb, ${decision.outcome}, ${decision.transition.state.status})
        on conflict (identity) do nothing
        returning 1)`);
    }
    if (status) {
      const { state } = status;
      parts.push(statement`attempt as (
        update kyc_attempts set status = ${decision.attemptStatus}, updated_at = ${iso(options.now)}::timestamptz
        where ${written} and id in (
          select id from kyc_attempts
          where customer_id = ${customerId} and round = ${state.statusRound}::int and status in ${[...ACCEPTED_ATTEMPT_STATUSES]}
          order by sent_at desc nulls last limit 1)
        returning program_id)`);
      // The pass is the customer's (Bond's webhooks name no program); the attempt it belongs to says which program.
      parts.push(statement`customer as (
        update customers set
          kyc_status = ${state.status}, kyc_status_at = ${iso(state.statusAt)}::timestamptz, kyc_passed_at = ${iso(state.passedAt)}::timestamptz,
          kyc_round = ${state.round}::int, kyc_status_round = ${state.statusRound}::int, kyc_bond_time_micros = ${state.bondTimeMicros}::bigint,
          kyc_status_event = ${status.event}, kyc_documents_required = ${JSON.stringify(status.details.documentsRequired)}::jsonb,
          kyc_failure_reasons = ${status.details.failureReasons === null ? null : JSON.stringify(status.details.failureReasons)}::jsonb,
          kyc_incorrect_information = ${JSON.stringify(status.details.incorrectInformation)}::jsonb,
          kyc_passed_program_id = case when ${decision.recordsPass}::boolean then coalesce((select program_id from attempt), kyc_passed_program_id) else kyc_passed_program_id end,
          kyc_version = kyc_version + 1, updated_at = ${iso(new Date())}::timestamptz
        where id = ${customerId} and ${written}
        returning kyc_version)`);
      parts.push(statement`history as (
        insert into kyc_status_changes (customer_id, version, status, previous_status, occurred_at, event)
        select ${customerId}, kyc_version, ${state.status}, ${options.change!.previousStatus}, ${iso(options.change!.occurredAt)}::timestamptz, ${options.change!.event}
        from customer)`);
    } else if (details) {
      const { state } = details;
      parts.push(statement`customer as (
        update customers set
          kyc_documents_required = ${JSON.stringify(details.details.documentsRequired)}::jsonb,
          kyc_failure_reasons = ${details.details.failureReasons === null ? null : JSON.stringify(details.details.failureReasons)}::jsonb,
          kyc_incorrect_information = ${JSON.stringify(details.details.incorrectInformation)}::jsonb,
          kyc_status_at = ${iso(state.statusAt)}::timestamptz, kyc_status_round = ${state.statusRound}::int, kyc_bond_time_micros = ${state.bondTimeMicros}::bigint,
          updated_at = ${iso(new Date())}::timestamptz
        where id = ${customerId} and ${written}
        returning kyc_version)`);
    }
    // A stale snapshot can miss a copy of the event committed while the first statement waited for the lock: with
    // `eventMustBeNew` that fails the statement (1 / 0, computed at run time) so nothing of it is kept.
    const guard = event && options.eventMustBeNew ? statement`1 / (select count(*)::int from event)` : statement`1`;
    const query = statement`with ${joined(parts, ", ")}
      select ${event ? statement`exists (select 1 from event)` : statement`true`} as event_stored,
        ${status ? statement`(select kyc_version from customer)` : statement`null::int`} as kyc_version,
        ${status ? statement`exists (select 1 from attempt)` : statement`false`} as attempt_updated,
        ${guard} as guard`;
    return runStatement(tx, query).then((result) => {
      const [row] = rowsOf<Record<string, unknown>>(result);
      return {
        eventStored: row.event_stored as boolean,
        kycVersion: row.kyc_version === null ? null : Number(row.kyc_version),
        attemptUpdated: row.attempt_updated as boolean,
      };
    });
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
  async saveKycDetails(
    tx: Transaction,
    id: string,
    details: Partial<KycDetails>,
    ordering?: Pick<KycState, "statusAt" | "statusRound" | "bondTimeMicros">,
  ): Promise<CustomerRecord> {
    const [row] = await tx
      .update(customers)
      .set({
        ...(details.documentsRequired ? { kycDocumentsRequired: details.documentsRequired } : {}),
        ...(details.failureReasons !== undefined ? { kycFailureReasons: details.failureReasons } : {}),
        ...(details.incorrectInformation ? { kycIncorrectInformation: details.incorrectInformation } : {}),
        ...(ordering
          ? { kycStatusAt: ordering.statusAt, kycStatusRound: ordering.statusRound, kycBondTimeMicros: ordering.bondTimeMicros }
          : {}),
        updatedAt: new Date(),
      })
      .where(eq(customers.id, id))
      .returning();
    return row;
  }

  async listEvents(customerId: string): Promise<KycEventRecord[]> {
    return this.db.select().from(kycEvents).where(eq(kycEvents.customerId, customerId)).orderBy(kycEvents.receivedAt, kycEvents.id);
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
