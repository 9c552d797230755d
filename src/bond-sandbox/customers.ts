import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { KycStatusName } from "./outcomes.js";
import { bondError, type Replies } from "./replies.js";
import { customerChangesSchema, fieldErrors, newCustomerSchema, type BondAddressInput } from "./schemas.js";

/** Bond's customers (`/customers`, `/customers/:id`) and the state the sandbox keeps for each. */

/** A request to `/customers/:id…`. */
export type CustomerRequest = Request<{ id: string }>;

interface BondAddress {
  address_type: "MAILING" | "PHYSICAL";
  street: string;
  street2: string | null;
  city: string;
  state: string;
  zip_code: string;
  country: string;
  is_primary: boolean;
}

/** The customer as Bond returns it (no SSN: it is checked on the way in and dropped). */
interface CustomerBody {
  customer_id: string;
  date_created: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  dob: string;
  phone: string | null;
  phone_country_code: string | null;
  email: string | null;
  addresses: BondAddress[];
}

export interface BondKycState {
  status: KycStatusName;
  passedAt: Date | null;
  /** When the status last changed. */
  updatedAt: Date;
  /** Documents asked for by the latest `document_required` event. */
  documents: string[];
  /** Of those, the ones received (names only: the files themselves are checked and dropped). */
  documentsReceived: string[];
}

export interface CustomerRecord {
  body: CustomerBody;
  kyc: BondKycState;
  acceptedKycSubmissions: number;
}

function toAddresses(input: BondAddressInput[]): BondAddress[] {
  return input.map((address) => ({ ...address, street2: address.street2 ?? null }));
}

export function createCustomerHandlers({
  customers,
  clock,
  replies,
}: {
  customers: Map<string, CustomerRecord>;
  clock: () => Date;
  replies: Replies;
}) {
  const { reply, customerNotFound } = replies;

  function createCustomer(request: Request, response: Response): void {
    const parsed = newCustomerSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply(request, response, 400, bondError(400, "customer_post_schema", fieldErrors(parsed.error)));
    const { first_name, middle_name, last_name, dob, phone, phone_country_code, email, addresses } = parsed.data; // ssn left behind
    const body: CustomerBody = {
      customer_id: randomUUID(),
      date_created: clock().toISOString(),
      first_name,
      middle_name: middle_name ?? null,
      last_name,
      dob,
      phone: phone ?? null,
      phone_country_code: phone_country_code ?? null,
      email: email ?? null,
      addresses: toAddresses(addresses ?? []),
    };
    customers.set(body.customer_id, {
      body,
      kyc: { status: "not_started", passedAt: null, documents: [], documentsReceived: [], updatedAt: clock() },
      acceptedKycSubmissions: 0,
    });
    reply(request, response, 201, body, body.customer_id);
  }

  function getCustomer(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    reply(request, response, 200, record.body, customerId);
  }

  function updateCustomer(request: CustomerRequest, response: Response): void {
    const customerId = request.params.id;
    const record = customers.get(customerId);
    if (!record) return customerNotFound(request, response, customerId);
    if (record.kyc.passedAt) {
      return reply(
        request,
        response,
        400,
        bondError(400, "kyc_customer", "Customer information cannot be updated after KYC has passed."),
        customerId,
      );
    }
    // Bond's code for an invalid PATCH body is unconfirmed; this mirrors `customer_post_schema`.
    const parsed = customerChangesSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply(request, response, 400, bondError(400, "customer_patch_schema", fieldErrors(parsed.error)), customerId);
    const { ssn: _ssn, addresses, ...changes } = parsed.data; // the SSN is checked, never stored
    const definedChanges = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    record.body = { ...record.body, ...definedChanges, ...(addresses ? { addresses: toAddresses(addresses) } : {}) };
    reply(request, response, 200, record.body, customerId);
  }

  return { createCustomer, getCustomer, updateCustomer };
}
