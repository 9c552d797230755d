import type { BondApi } from "../bond/bond-client.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { Clock } from "../domain/clock.js";
import { toPage, validateCustomerListQuery, type CustomerListInput } from "../domain/customer-list.js";
import { assertCanUpdateCustomer, validateCustomerChanges, validateNewCustomer } from "../domain/customer.js";
import { CustomerLocked, CustomerNotFound, UpstreamRejected } from "../domain/errors.js";
import { kycStateOf, type CustomerRecord, type KycAttemptRecord, type KycEventRecord } from "../domain/kyc-records.js";
import { isUuid } from "../domain/validation.js";
import { callBond } from "./bond-calls.js";

export interface CustomersDeps {
  repository: KycRepository;
  bond: BondApi;
  clock: Clock;
}

/** Customers: create and update (at Bond, then here), read one, and the operators' lists. */
export class Customers {
  constructor(private readonly deps: CustomersDeps) {}

  getCustomer(id: string): Promise<CustomerRecord | null> {
    return isUuid(id) ? this.deps.repository.customers.findCustomer(id) : Promise.resolve(null);
  }

  listAttempts(customerId: string): Promise<KycAttemptRecord[]> {
    return this.deps.repository.attempts.listAttempts(customerId);
  }

  async createCustomer(input: unknown): Promise<CustomerRecord> {
    const details = validateNewCustomer(input);
    const created = await callBond(() => this.deps.bond.createCustomer(details));
    return this.deps.repository.customers.insertCustomer(created.customerId, details, created.dateCreated, this.deps.clock());
  }

  async updateCustomer(id: string, input: unknown): Promise<CustomerRecord> {
    const changes = validateCustomerChanges(input);
    const { repository } = this.deps;
    const customer = await this.getCustomer(id);
    if (!customer) throw new CustomerNotFound(id);
    assertCanUpdateCustomer(kycStateOf(customer));
    try {
      await callBond(() => this.deps.bond.updateCustomer(id, changes));
    } catch (error) {
      if (error instanceof UpstreamRejected && error.bondCode === "kyc_customer")
        throw new CustomerLocked(customer.kycPassedAt ?? new Date(0));
      throw error;
    }
    return repository.transaction(async (tx) => {
      const locked = await repository.statuses.lockCustomer(tx, id);
      if (!locked) throw new CustomerNotFound(id);
      // A pass may have landed while Bond was being called: the seed rule still holds.
      assertCanUpdateCustomer(kycStateOf(locked));
      return repository.customers.updateCustomerDetails(tx, id, changes);
    });
  }

  /** Operators' list: one page of customers, newest first, with Relay-style edges and cursors. */
  async listCustomers(input: CustomerListInput) {
    const query = validateCustomerListQuery(input);
    const rows = await this.deps.repository.customers.listCustomers(query);
    return toPage(rows, query.first, (row) => ({ createdAt: row.cursorCreatedAt, id: row.id }));
  }

  /** The webhooks stored for a customer, oldest first; CUSTOMER_NOT_FOUND if there is no such customer. */
  async listKycEvents(customerId: string): Promise<KycEventRecord[]> {
    const customer = await this.getCustomer(customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    return this.deps.repository.statuses.listEvents(customer.id);
  }
}
