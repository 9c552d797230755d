import type { Logger } from "pino";
import postgres from "postgres";
import { DatabaseDeadlineExceeded, withinDeadline } from "../db/database-deadline.js";
import type { Transaction } from "../db/database.js";
import { rowsOf, runStatement, statement } from "../db/statement.js";
import type { KycStatus } from "../domain/kyc-status.js";
import type { KycStatusChange } from "./kyc-status-bus.js";

/** The bus message (NOTIFY caps a payload at 8000 bytes; Redis does not care): ids and status only. */
interface BusPayload {
  c: string;
  s: KycStatus;
  p: KycStatus | null;
  e: string | null;
  t: string;
  v: number;
}

export function encodeStatusChange(change: KycStatusChange): string {
  const payload: BusPayload = {
    c: change.customerId,
    s: change.status,
    p: change.previousStatus,
    e: change.event,
    t: change.occurredAt.toISOString(),
    v: change.version,
  };
  return JSON.stringify(payload);
}

export function decodeStatusChange(text: string): KycStatusChange {
  const payload = JSON.parse(text) as BusPayload;
  return {
    customerId: payload.c,
    status: payload.s,
    previousStatus: payload.p,
    event: payload.e,
    occurredAt: new Date(payload.t),
    version: payload.v,
  };
}

/**
 * How relayed rows are published: `notify` in the relay transaction that deletes them (so the delete and
 * the announcement commit together), or `external` (Redis) before that transaction commits (a crash in
 * between publishes them twice, which subscribers drop by version; never zero times).
 */
export type OutboxPublisher = { kind: "notify"; channel: string } | { kind: "external"; publish(payloads: string[]): Promise<void> };

export interface StatusOutboxOptions {
  databaseUrl: string;
  publisher: OutboxPublisher;
  logger: Logger;
  /** How often the poller looks for rows left behind, and how old a row must be to count as left behind. */
  pollIntervalMs?: number;
  connectTimeoutMs?: number;
  /** Names the relay's connection in pg_stat_activity (max 63 bytes). */
  applicationName?: string;
}

export interface StatusOutbox {
  /** Writes the change's outbox row in the transaction that makes the change. */
  write(tx: Transaction, change: KycStatusChange): Promise<void>;
  /** Relays the row `write` wrote for this change, now that its transaction has committed. */
  relayAfterCommit(change: KycStatusChange): void;
  /** Runs the poller once (tests; the timer does it every `pollIntervalMs`). Returns how many rows it relayed. */
  poll(): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 500;

/**
 * The transactional outbox behind the multi-instance buses. The status transaction only inserts a row
 * (no global lock, unlike a NOTIFY there, which serialises every committing writer: see BENCHMARKS.md
 * "Event bus designs"); the committing instance relays it right after the commit, in batches, over a
 * connection of its own; a poller on every instance relays rows older than the poll interval (an instance
 * that died between its commit and its relay, a relay that failed), `skip locked` so instances share them.
 * Rows are deleted by the transaction that relays them, so nothing else needs cleaning up.
 */
export function createStatusOutbox(options: StatusOutboxOptions): StatusOutbox {
  const { logger, publisher } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  // One relay (or poll) at a time, on its own connection, each bounded: one stuck on a dead connection
  // (a network cut that never closes it) is abandoned with its connection, and its rows left to the poller.
  const relayDeadlineMs = 2 * connectTimeoutMs + 5_000;
  const connect = () =>
    postgres(options.databaseUrl, {
      max: 1,
      idle_timeout: 60,
      fetch_types: false,
      onnotice: () => {},
      connect_timeout: Math.max(connectTimeoutMs / 1000, 0.1),
      connection: {
        application_name: (options.applicationName ?? "kyc-graphql relay").slice(0, 63),
        // A relay's commit need not wait for its WAL flush: if Postgres loses it in a crash, the rows come
        // back and are relayed again (a duplicate, dropped by version), and the changes themselves were
        // committed durably by their own transactions. Saves one fsync per relayed batch.
        synchronous_commit: "off",
      },
    });
  let db = connect();
  // The row id of each change written and not yet relayed, by the change object the service hands back.
  const written = new WeakMap<KycStatusChange, number>();
  let pending: number[] = [];
  let relaying: Promise<void> | null = null;
  let polling: Promise<number> | null = null;
  let closed = false;

  async function relayRows(select: "ids" | "stale", ids: number[] = []): Promise<number> {
    const client = db;
    try {
      return await withinDeadline(relayWith(client, select, ids), relayDeadlineMs, "status outbox relay");
    } catch (error) {
      if (error instanceof DatabaseDeadlineExceeded && db === client) {
        db = connect();
        void client.end({ timeout: 0 }).catch(() => {});
      }
      throw error;
    }
  }

  /** Deletes the selected rows and publishes them, in id order (per customer that is commit order). */
  async function relayWith(db: postgres.Sql, select: "ids" | "stale", ids: number[]): Promise<number> {
    const where = (sql: postgres.Sql | postgres.TransactionSql) =>
      select === "ids"
        ? sql`id = any(${`{${ids.join(",")}}`}::bigint[])`
        : sql`id in (select id from kyc_status_outbox where created_at < now() - ${`${pollIntervalMs} milliseconds`}::interval order by id limit ${BATCH} for update skip locked)`;
    if (publisher.kind === "notify") {
      const [{ count }] = await db`with d as (delete from kyc_status_outbox where ${where(db)} returning id, payload)
        select count(pg_notify(${publisher.channel}, payload))::int as count from (select payload from d order by id) as ordered`;
      return count as number;
    }
    return db.begin(async (tx) => {
      const rows = await tx`delete from kyc_status_outbox where ${where(tx)} returning id, payload`;
      if (rows.length === 0) return 0;
      const payloads = [...rows].sort((a, b) => Number(a.id) - Number(b.id)).map((row) => row.payload as string);
      await publisher.publish(payloads);
      return payloads.length;
    });
  }

  function kick(): void {
    if (relaying || pending.length === 0) return;
    relaying = (async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, BATCH);
        try {
          await relayRows("ids", batch);
        } catch (error) {
          // Committed and still in the outbox: the poller relays them.
          logger.warn(
            { err: error instanceof Error ? error.message : String(error), changes: batch.length },
            "could not relay status changes; the outbox poller will",
          );
        }
      }
      relaying = null;
    })();
  }

  async function poll(): Promise<number> {
    let relayed = 0;
    for (;;) {
      const count = await relayRows("stale");
      relayed += count;
      if (count < BATCH || closed) break;
    }
    if (relayed > 0) logger.warn({ changes: relayed }, "relayed status changes left in the outbox");
    return relayed;
  }

  const timer = setInterval(() => {
    if (polling || closed) return;
    polling = poll()
      .catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, "outbox poll failed");
        return 0;
      })
      .finally(() => {
        polling = null;
      });
  }, pollIntervalMs);
  timer.unref();

  return {
    async write(tx, change) {
      const result = await runStatement(
        tx,
        statement`insert into kyc_status_outbox (payload) values (${encodeStatusChange(change)}) returning id`,
      );
      written.set(change, Number(rowsOf<{ id: unknown }>(result)[0].id));
    },
    relayAfterCommit(change) {
      const id = written.get(change);
      if (id === undefined || closed) return;
      written.delete(change);
      pending.push(id);
      kick();
    },
    poll,
    async close() {
      closed = true;
      clearInterval(timer);
      // What was committed and not relayed yet goes now (or, failing that, to another instance's poller).
      await relaying;
      await polling;
      pending = [];
      await db.end({ timeout: 1 });
    },
  };
}
