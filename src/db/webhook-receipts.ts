import { eq, lt } from "drizzle-orm";
import type { Database } from "./database.js";
import { webhookReceipts } from "./schema.js";

/** Accepted webhook signatures (hashed), so a replay within the timestamp tolerance is recognised. */
export class WebhookReceiptRepository {
  constructor(private readonly db: Database) {}

  /** Records a signature; false when it was recorded before (a replay). */
  async recordOnce(signatureHash: string, receivedAt: Date): Promise<boolean> {
    const inserted = await this.db.insert(webhookReceipts).values({ signatureHash, receivedAt }).onConflictDoNothing().returning({ signatureHash: webhookReceipts.signatureHash });
    return inserted.length > 0;
  }

  /** Forgets a signature whose event could not be stored, so Bond's redelivery of it is not taken for a replay. */
  async forget(signatureHash: string): Promise<void> {
    await this.db.delete(webhookReceipts).where(eq(webhookReceipts.signatureHash, signatureHash));
  }

  /** Drops receipts older than the tolerance: their timestamps are refused as stale anyway. */
  async purgeBefore(cutoff: Date): Promise<void> {
    await this.db.delete(webhookReceipts).where(lt(webhookReceipts.receivedAt, cutoff));
  }
}
