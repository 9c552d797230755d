import type { Database, Transaction } from "./database.js";
import { CustomerRepository } from "./customer-repository.js";
import { KycAttemptRepository } from "./kyc-attempt-repository.js";
import { KycStatusRepository } from "./kyc-status-repository.js";

/**
 * The KYC tables in Postgres, by use case: customers, the status core (status, the round's attempt,
 * Bond's events) and attempts with their idempotency keys. Methods that take a transaction run inside
 * the caller's; `transaction` opens one.
 */
export class KycRepository {
  readonly customers: CustomerRepository;
  readonly statuses: KycStatusRepository;
  readonly attempts: KycAttemptRepository;

  constructor(private readonly db: Database) {
    this.customers = new CustomerRepository(db);
    this.statuses = new KycStatusRepository(db);
    this.attempts = new KycAttemptRepository(db);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
