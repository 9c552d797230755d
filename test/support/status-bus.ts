import { randomUUID } from "node:crypto";
import type { KycRepository } from "../../src/db/kyc-repository.js";
import { KycStatus } from "../../src/domain/kyc-status.js";
import type { KycStatusChange } from "../../src/realtime/kyc-status-bus.js";

/** Reads what a bus subscription has received so far, without blocking. */
export function drain(iterator: AsyncIterableIterator<KycStatusChange>): KycStatusChange[] {
  const received: KycStatusChange[] = [];
  void (async () => {
    for await (const change of iterator) received.push(change);
  })();
  return received;
}

/** Stores a customer straight through the repository (bus tests need a row to lock and to re-sync); its id. */
export async function insertTestCustomer(repository: KycRepository): Promise<string> {
  const customer = await repository.customers.insertCustomer(
    randomUUID(),
    { firstName: "Jane", lastName: "Doe", dob: "1990-05-17", phone: null, phoneCountryCode: null, email: null, addresses: [] },
    null,
    new Date(),
  );
  return customer.id;
}

/** A change from NOT_STARTED to `status` at `version`, as a bus carries it. */
export const changeTo = (customerId: string, status: KycStatus, version: number): KycStatusChange => ({
  customerId,
  status,
  previousStatus: KycStatus.NOT_STARTED,
  occurredAt: new Date("2026-01-01T00:00:00Z"),
  event: "kyc.submitted",
  version,
});
