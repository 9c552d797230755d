import { z } from "zod";
import { CustomerLocked } from "./errors.js";
import { KycStatus, type KycState } from "./kyc-status.js";
import { parseOrThrow, rules } from "./validation.js";

export const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split(
    " ",
  ),
);

export interface Address {
  addressType: "MAILING" | "PHYSICAL";
  street: string;
  street2?: string | null;
  city: string;
  state: string;
  zipCode: string;
  country: string;
  isPrimary: boolean;
}

export interface CustomerDetails {
  firstName: string;
  middleName?: string | null;
  lastName: string;
  dob: string;
  phone?: string | null;
  phoneCountryCode?: string | null;
  email?: string | null;
  addresses: Address[];
}

const addressSchema = z.object({
  addressType: z.enum(["MAILING", "PHYSICAL"]),
  street: z.string().trim().min(1, "Street is required.").max(40, "Street is at most 40 characters."),
  street2: z.string().trim().max(40, "Street 2 is at most 40 characters.").nullish(),
  city: z.string().trim().min(2, "City is 2 to 40 characters.").max(40, "City is 2 to 40 characters."),
  state: z
    .string()
    .trim()
    .transform((state) => state.toUpperCase())
    .refine((state) => US_STATES.has(state), "Not a US state code."),
  zipCode: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, "Not a valid ZIP code."),
  country: z
    .string()
    .trim()
    .transform((country) => country.toUpperCase())
    .refine((country) => country === "US", "Only US addresses are supported."),
  /** Absent: true for a lone address, false otherwise (see addressesSchema). */
  isPrimary: z.boolean().nullish(),
});

const addressesSchema = z
  .array(addressSchema)
  .max(5, "At most 5 addresses.")
  // A lone address is the primary one unless it says otherwise (Bond needs exactly one primary).
  .refine(
    (addresses) => addresses.length === 0 || addresses.filter((address) => address.isPrimary ?? addresses.length === 1).length === 1,
    "Exactly one address must be primary.",
  )
  .transform((addresses) => addresses.map((address): Address => ({ ...address, isPrimary: address.isPrimary ?? addresses.length === 1 })));

const detailsSchema = z.object({
  firstName: rules.name,
  middleName: rules.name.nullish(),
  lastName: rules.name,
  dob: rules.dob,
  phone: rules.phone.nullish(),
  phoneCountryCode: rules.phoneCountryCode.nullish(),
  email: rules.email.transform((email) => email.toLowerCase()).nullish(),
  addresses: addressesSchema.default([]),
});

export function validateNewCustomer(input: unknown): CustomerDetails {
  return parseOrThrow(detailsSchema, input);
}

/** A change to a customer: only the fields given are changed; `null` clears an optional one. */
export type CustomerChanges = Partial<CustomerDetails>;

export function validateCustomerChanges(input: unknown): CustomerChanges {
  const changes = parseOrThrow(detailsSchema.partial().extend({ addresses: addressesSchema.optional() }), input);
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

/** Seed rule: a customer who has passed KYC can no longer be updated. */
export function assertCanUpdateCustomer(state: KycState): void {
  if (state.status === KycStatus.PASSED) throw new CustomerLocked(state.passedAt ?? state.statusAt ?? new Date(0));
}
