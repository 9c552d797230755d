import { lt } from "drizzle-orm";
import type { Database, Transaction } from "./database.js";
import { ignoredBondWebhooks, webhookReceipts } from "./schema.js";

/** Accepted webhook signatures (hashed), so a replay within the timestamp tolerance is recognised. */
export class WebhookReceiptRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a signature inside the transaction that stores its event; false when it was recorded before (a
   * replay). A failed ingest rolls the receipt back with the event, so Bond's redelivery is not taken for a
   * replay; a concurrent identical request waits on the unique key and then sees the committed receipt.
   */
  async recordOnce(tx: Transaction, signatureHash: string, receivedAt: Date): Promise<boolean> {
    const inserted = await tx
      .insert(webhookReceipts)
      .values({ signatureHash, receivedAt })
      .onConflictDoNothing()
      .returning({ signatureHash: webhookReceipts.signatureHash });
    return inserted.length > 0;
  }

  /** Stores a webhook we do not act on unless the same bytes were stored before; false for a redelivery. */
  async recordIgnoredOnce(tx: Transaction, webhook: typeof ignoredBondWebhooks.$inferInsert): Promise<boolean> {
    const inserted = await tx
      .insert(ignoredBondWebhooks)
      .values(webhook)
      .onConflictDoNothing({ target: ignoredBondWebhooks.bodyHash })
      .returning({ id: ignoredBondWebhooks.id });
    return inserted.length > 0;
  }

  /** Drops receipts older than the tolerance: their timestamps are refused as stale anyway. */
  async purgeBefore(cutoff: Date): Promise<void> {
    await this.db.delete(webhookReceipts).where(lt(webhookReceipts.receivedAt, cutoff));
  }
}
