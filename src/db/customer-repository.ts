import { and, desc, eq, exists, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { CustomerListQuery } from "../domain/customer-list.js";
import type { CustomerChanges, CustomerDetails } from "../domain/customer.js";
import type { CustomerRecord, CustomerKycStatus } from "../domain/kyc-records.js";
import type { Database, Transaction } from "./database.js";
import { customers, kycAttempts } from "./schema.js";

type Executor = Database | Transaction;

/** Customers: their details, and the reads of customers and operators' lists. Status changes are in kyc-status-repository.ts. */
export class CustomerRepository {
  /** The hottest read (every `customer` query, every subscription start), built once rather than per call. */
  private readonly customerById;

  constructor(private readonly db: Database) {
    this.customerById = db
      .select()
      .from(customers)
      .where(eq(customers.id, sql.placeholder("id")))
      .prepare("customer_by_id");
  }

  async findCustomer(id: string, executor?: Executor): Promise<CustomerRecord | null> {
    const [row] = executor ? await executor.select().from(customers).where(eq(customers.id, id)) : await this.customerById.execute({ id });
    return row ?? null;
  }

  /** The status columns of these customers (the ones that exist). */
  async findKycStatuses(ids: string[]): Promise<CustomerKycStatus[]> {
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

  /** `now` (a JavaScript Date, so millisecond precision) is the row's createdAt: the value clients see is exactly the stored one, so filters like createdAfter behave. */
  async insertCustomer(id: string, details: CustomerDetails, bondCreatedAt: Date | null, now: Date): Promise<CustomerRecord> {
    const [row] = await this.db
      .insert(customers)
      .values({ id, ...details, bondCreatedAt, createdAt: now, updatedAt: now })
      .returning();
    return row;
  }

  async updateCustomerDetails(tx: Transaction, id: string, changes: CustomerChanges): Promise<CustomerRecord> {
    const [row] = await tx
      .update(customers)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(customers.id, id))
      .returning();
    return row;
  }

  /**
   * One page of customers, newest first by (created_at, id), with one extra row to tell whether more
   * follow. Each row carries `cursorCreatedAt`, Postgres's own text for created_at: a JavaScript Date would
   * drop the microseconds and make the keyset skip or repeat rows.
   */
  async listCustomers(query: CustomerListQuery): Promise<Array<CustomerRecord & { cursorCreatedAt: string }>> {
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
}
