import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, date } from "drizzle-orm/pg-core";
import type { Address } from "../domain/customer.js";
import type { KycAttemptStatus } from "../domain/kyc-attempt.js";
import type { KycFailureReasons } from "../domain/bond-webhook.js";
import type { KycStatus } from "../domain/kyc-status.js";

/** The single source of our tables; `npm run db:generate` turns changes into a migration in drizzle/. */
const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
};

export const customers = pgTable(
  "customers",
  {
    /** Bond's `customer_id`. */
    id: uuid("id").primaryKey(),
    firstName: text("first_name").notNull(),
    middleName: text("middle_name"),
    lastName: text("last_name").notNull(),
    dob: date("dob", { mode: "string" }).notNull(),
    phone: text("phone"),
    phoneCountryCode: text("phone_country_code"),
    email: text("email"),
    addresses: jsonb("addresses")
      .$type<Address[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    kycStatus: text("kyc_status")
      .$type<KycStatus>()
      .notNull()
      .default("NOT_STARTED" as KycStatus),
    /** When the event behind `kyc_status` happened (Bond's clock for Bond's events, ours for our submission); shown, never compared. */
    kycStatusAt: timestamp("kyc_status_at", { withTimezone: true, mode: "date" }),
    /** The Bond event that set `kyc_status` (null before any). */
    kycStatusEvent: text("kyc_status_event"),
    kycPassedAt: timestamp("kyc_passed_at", { withTimezone: true, mode: "date" }),
    /**
     * The bank program (program_id) of the attempt the pass belongs to. Bond's webhooks carry no program_id,
     * so the status is per customer: a pass counts for the customer, this says which program it came through.
     */
    kycPassedProgramId: uuid("kyc_passed_program_id"),
    kycDocumentsRequired: jsonb("kyc_documents_required")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Bond's `reasons` while the status is FAILED (null otherwise, or when Bond gave none). */
    kycFailureReasons: jsonb("kyc_failure_reasons").$type<KycFailureReasons>(),
    /** Bond's `incorrect_information` (field names) while the status is REENTER_INFORMATION. */
    kycIncorrectInformation: jsonb("kyc_incorrect_information")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** The latest round: bumped by each KYC submission we send (a sequence number, not a time). */
    kycRound: integer("kyc_round").notNull().default(0),
    /** The round `kyc_status` belongs to. */
    kycStatusRound: integer("kyc_status_round").notNull().default(0),
    /** Bond's `occurred_at` (microseconds since the epoch) of the latest Bond event applied: orders Bond's events among themselves. */
    kycBondTimeMicros: bigint("kyc_bond_time_micros", { mode: "number" }),
    /** Bumped on every status change, so subscribers can drop anything not newer than what they have. */
    kycVersion: integer("kyc_version").notNull().default(0),
    bondCreatedAt: timestamp("bond_created_at", { withTimezone: true, mode: "date" }),
    /** Reconciler lookups at Bond that found the customer still submitted (reset when a lookup changes the status). */
    reconcileLookups: integer("reconcile_lookups").notNull().default(0),
    /** The reconciler does not ask Bond about this customer again before this (per-customer back-off). */
    reconcileNextAt: timestamp("reconcile_next_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  // Operators' keyset pagination: newest first by (created_at, id), optionally within one status.
  (table) => [
    index("customers_created_idx").on(table.createdAt, table.id),
    index("customers_kyc_status_created_idx").on(table.kycStatus, table.createdAt, table.id),
  ],
);

export const kycAttempts = pgTable(
  "kyc_attempts",
  {
    /** Also the Idempotency-Key we send Bond, so a resend of this attempt can never count twice. */
    id: uuid("id").primaryKey(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    programId: uuid("program_id").notNull(),
    status: text("status").$type<KycAttemptStatus>().notNull(),
    ssnLastFour: text("ssn_last_four").notNull(),
    /** The submission encrypted (AES-256-GCM) while it may still have to be sent; erased once Bond answers. */
    sealedSubmission: text("sealed_submission"),
    idempotencyKey: text("idempotency_key"),
    /** Bond's error code when Bond refused the attempt. */
    rejectionCode: text("rejection_code"),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    /** The customer's round this attempt opened (see customers.kyc_round). */
    round: integer("round").notNull().default(0),
    ...timestamps,
  },
  (table) => [
    index("kyc_attempts_customer_idx").on(table.customerId, table.createdAt),
    index("kyc_attempts_program_idx").on(table.programId, table.customerId),
  ],
);

/**
 * Client idempotency keys, scoped to the customer, honoured 24 hours like Bond's and then purged by a
 * periodic job (IDEMPOTENCY_PURGE_INTERVAL_MS). `fingerprint` is a keyed hash of the input (HMAC-SHA256):
 * it compares requests without being able to recover an SSN, and is the only copy of one.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    attemptId: uuid("attempt_id")
      .notNull()
      .references(() => kycAttempts.id),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.customerId, table.key] }), index("idempotency_keys_expires_idx").on(table.expiresAt)],
);

/** Every distinct webhook Bond delivered, without personal data. */
export const kycEvents = pgTable(
  "kyc_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** customer|event|occurred_at (µs), or |round:N for an event without a time: Bond sends no event id, so this is what makes a delivery a duplicate. */
    identity: text("identity").notNull().unique(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    event: text("event").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }),
    /** Bond's `occurred_at` to the microsecond (a timestamptz read into a Date would keep milliseconds). */
    occurredAtMicros: bigint("occurred_at_micros", { mode: "number" }),
    /** The customer's latest round when the event was applied. */
    round: integer("round").notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** What the event did: changed, or why it was ignored (stale, already-passed, unchanged). */
    outcome: text("outcome").notNull(),
    statusAfter: text("status_after").$type<KycStatus>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("kyc_events_customer_idx").on(table.customerId, table.receivedAt)],
);

/**
 * Every change of a customer's KYC status, one row per version, written in the transaction that makes the
 * change: a subscriber that reconnects with the last version it saw replays what it missed from here.
 * No personal data (statuses and Bond's event names).
 */
export const kycStatusChanges = pgTable(
  "kyc_status_changes",
  {
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    /** The customer's `kyc_version` after this change. */
    version: integer("version").notNull(),
    status: text("status").$type<KycStatus>().notNull(),
    previousStatus: text("previous_status").$type<KycStatus>(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    event: text("event"),
    recordedAt: timestamp("recorded_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.customerId, table.version] })],
);

/**
 * Well-signed webhooks this API does not act on (an unknown event, `kyc.verification.status` with a value
 * it cannot map): answered 2xx so Bond stops retrying, kept here (without personal data) for operators.
 */
export const ignoredBondWebhooks = pgTable(
  "ignored_bond_webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 of the raw body: a redelivery of the same bytes is the same webhook. */
    bodyHash: text("body_hash").notNull().unique(),
    event: text("event").notNull(),
    reason: text("reason").notNull(),
    /** The body's customer_id, if any (not a foreign key: it may be no customer of ours). */
    customerId: uuid("customer_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("ignored_bond_webhooks_received_idx").on(table.receivedAt)],
);

/**
 * Signatures of webhooks already accepted, kept for the timestamp tolerance window: a captured request
 * replayed within that window is refused. Holds a hash of the header only, no body.
 */
export const webhookReceipts = pgTable(
  "webhook_receipts",
  {
    signatureHash: text("signature_hash").primaryKey(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("webhook_receipts_received_idx").on(table.receivedAt)],
);

/**
 * Request budgets shared by every instance on one Postgres (rate-limiter-flexible's Drizzle store: one
 * upsert per counted request). Keys are budget names plus a token subject or an address, never personal data.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true, mode: "date" }),
});

/**
 * Status changes committed but not yet announced to the other instances (the transactional outbox): a row
 * is written in the transaction that changes the status, and deleted by the relay that publishes it (right
 * after the commit, by the committing instance; or by any instance's poller once it is older than the
 * poll interval, e.g. when that instance died after committing). The payload is the bus message: ids,
 * statuses, event name, time and version, nothing personal.
 */
export const kycStatusOutbox = pgTable(
  "kyc_status_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    payload: text("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("kyc_status_outbox_created_idx").on(table.createdAt)],
);

export type CustomerRow = typeof customers.$inferSelect;
export type KycAttemptRow = typeof kycAttempts.$inferSelect;
export type KycEventRow = typeof kycEvents.$inferSelect;
