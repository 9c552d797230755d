import { z } from "zod";
import { KYC_EVENTS } from "./outcomes.js";

/**
 * Request bodies of Bond's API, in Bond's wire format (snake_case), with Bond's wording for a missing
 * field. Unknown fields are ignored (stripped): Bond's docs do not say whether it rejects them.
 *
 * Written from Bond's documentation (../shared/bond-api-notes.md, "Customers" and "KYC"), not from our
 * app's rules: the sandbox stands for Bond, a third party, and imports nothing from the client or the
 * domain (test/bond-sandbox/independence.test.ts walks its imports). Where the two disagree, a test
 * against the sandbox shows it, as one against Bond would.
 */

/** Bond's message for an absent field (its 400 `kyc_post_schema` example). */
const MISSING = "Missing data for required field.";

/** Zod options giving Bond's "Missing data for required field." for an absent or null value, else `message`. */
const missingOr = (message: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? MISSING : message),
});

const requiredText = (message: string) => z.string(missingOr(message)).trim().min(1, MISSING);

/**
 * Bond's documented field rules. Bond gives formats, not messages: the messages are ours. Where Bond is
 * silent (phone length, e-mail syntax, date range) the sandbox is lenient rather than stricter than Bond.
 */
const bondRules = {
  /** "UUID" for Bond's ids, any version (Bond's own examples are v4). */
  uuid: (what: string) => z.guid(missingOr(`Not a valid ${what}.`)),
  /** Bond: `#########` or `###-##-####`. */
  ssn: requiredText("Not a valid SSN.").regex(/^(?:\d{9}|\d{3}-\d{2}-\d{4})$/, "Not a valid SSN."),
  /** Bond: digits and dashes. */
  phone: requiredText("Not a valid phone number.").regex(/^[0-9][0-9-]*$/, "Not a valid phone number."),
  /** Bond: 1–3 digits. */
  phoneCountryCode: requiredText("Not a valid phone country code.").regex(/^[0-9]{1,3}$/, "Not a valid phone country code."),
  /** Bond documents an e-mail address and nothing more: one `@` with something either side. */
  email: requiredText("Not a valid email address.").regex(/^[^\s@]+@[^\s@]+$/, "Not a valid email address."),
  /** An IPv4 or IPv6 address. */
  ip: requiredText("Not a valid IP address.").pipe(z.union([z.ipv4(), z.ipv6()], { error: "Not a valid IP address." })),
  /** Bond: 2–50 letters, spaces, apostrophes (hyphens are accepted too: Bond's own sandbox takes them). */
  name: requiredText("Not a valid name.").regex(/^[\p{L}][\p{L}\p{M} '’-]{1,49}$/u, "Not a valid name."),
  /** Bond: `YYYY-MM-DD`, a real calendar date. */
  dob: requiredText("Not a valid date.")
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Not a valid date.")
    .refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    }, "Not a valid date."),
};

/** A body that is not a JSON object at all is reported under `_schema`, as Bond's marshmallow-based API does. */
const bodyObject = missingOr("Invalid input type.");

/**
 * US state and territory codes. A copy of the list the app validates with, on purpose: the sandbox
 * stands for Bond, a third party, and does not depend on our domain model.
 */
const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split(
    " ",
  ),
);

const address = z.object(
  {
    address_type: z.enum(["MAILING", "PHYSICAL"], missingOr("Must be one of: MAILING, PHYSICAL.")),
    street: requiredText("Not a valid street.").max(40, "Street is 1 to 40 characters."),
    street2: z.string("Not a valid street.").trim().max(40, "Street 2 is at most 40 characters.").nullish(),
    city: requiredText("Not a valid city.").min(2, "City is 2 to 40 characters.").max(40, "City is 2 to 40 characters."),
    state: requiredText("Not a valid state.")
      .transform((state) => state.toUpperCase())
      .refine((state) => US_STATES.has(state), "Not a valid state: use the 2-letter US code."),
    zip_code: requiredText("Not a valid ZIP code.").regex(/^\d{5}(-\d{4})?$/, "Not a valid ZIP code."),
    country: requiredText("Not a valid country.")
      .regex(/^[A-Za-z]{2}$/, "Not a valid country: use the ISO 3166 alpha-2 code.")
      .transform((country) => country.toUpperCase()),
    is_primary: z.boolean(missingOr("Not a valid boolean.")),
  },
  missingOr("Not a valid address."),
);

export type BondAddressInput = z.output<typeof address>;

const addresses = z
  .array(address, missingOr("Not a valid list of addresses."))
  .refine((list) => list.length === 0 || list.some((item) => item.is_primary), "At least one address must be primary.");

/** Bond documents 2–50 characters for first names only; a middle name may be a single initial. */
const middleName = requiredText("Not a valid name.").regex(
  /^[\p{L}][\p{L}\p{M} '’.-]{0,49}$/u,
  "Not a valid name: up to 50 letters, spaces, hyphens or apostrophes.",
);

/** `POST /customers`. The SSN is checked when given, but never stored. */
export const newCustomerSchema = z.object(
  {
    first_name: bondRules.name,
    middle_name: middleName.nullish(),
    last_name: bondRules.name,
    dob: bondRules.dob,
    ssn: bondRules.ssn.nullish(),
    phone: bondRules.phone.nullish(),
    phone_country_code: bondRules.phoneCountryCode.nullish(),
    email: bondRules.email.nullish(),
    addresses: addresses.optional(),
  },
  bodyObject,
);

/** `PATCH /customers/{id}`: the same fields, all optional; `null` clears an optional one. */
export const customerChangesSchema = newCustomerSchema.partial();

/** `POST /customers/{id}/verification-kyc`. `ip` is required only by some programs, so optional here. */
export const kycSubmissionSchema = z.object(
  {
    program_id: bondRules.uuid("program_id"),
    ssn: bondRules.ssn,
    phone: bondRules.phone,
    phone_country_code: bondRules.phoneCountryCode,
    email: bondRules.email,
    ip: bondRules.ip.nullish(),
  },
  bodyObject,
);

const customerId = bondRules.uuid("customer_id");
const checkResult = z.enum(["passed", "failed"], missingOr("Must be passed or failed."));
const failureReasons = z
  .object(
    { ofac: checkResult, bureau: checkResult, mobile: checkResult, ip: checkResult, email: checkResult },
    missingOr("Not a valid object."),
  )
  .partial()
  .strict();

/** `POST /simulate/kyc-pass`. */
export const simulatePassSchema = z.object({ customer_id: customerId }, bodyObject);

/** `POST /simulate/kyc-fail`. */
export const simulateFailSchema = z.object({ customer_id: customerId, reasons: failureReasons.optional() }, bodyObject);

/**
 * `POST /simulate/kyc-event` (our extension, not Bond's): any outcome event. The fields events are
 * known to carry are checked; anything else is passed through into the webhook as given.
 */
export const simulateEventSchema = z.looseObject(
  {
    customer_id: customerId,
    event: z.enum(KYC_EVENTS, missingOr(`Must be one of: ${KYC_EVENTS.join(", ")}.`)),
    documents: z
      .array(z.enum(["government_id", "proof_of_address", "social_security_card"]), "Not a valid list of documents.")
      .min(1, "Name at least one document.")
      .optional(),
    reasons: failureReasons.optional(),
    incorrect_information: z.array(z.string().min(1).max(64), "Not a valid list of field names.").optional(),
  },
  bodyObject,
);

/** Bond's per-field error map: `{"ssn": ["Missing data for required field."], "addresses.0.city": [...]}`. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_schema";
    const messages = (fields[key] ??= []);
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return fields;
}

/** A base64 file as Bond takes it: `{file_name, image}` with one of Bond's accepted extensions. */
const bondFileFields = {
  file_name: requiredText("Not a valid file name.").regex(/\.(jpe?g|png|heic|pdf)$/i, "Accepted files: .jpg, .png, .heic, .pdf."),
  image: requiredText("Not a valid image.").regex(/^[A-Za-z0-9+/]+={0,2}$/, "Not valid base64."),
};
const bondFile = z.object(bondFileFields, missingOr("Not a valid file."));

/** Bond documents a back image for these government id types. */
export const GOVERNMENT_ID_TYPES_WITH_BACK = new Set(["passport_card", "permanant_resident_card", "work_permit"]);

/** `POST /customers/{id}/verification-kyc/documents`: only the keys Bond asked for are sent. */
export const kycDocumentsSchema = z.object(
  {
    government_id: z
      .object(
        {
          type: z.enum(
            ["drivers_license", "passport", "state_id", "passport_card", "permanant_resident_card", "work_permit", "visa"],
            missingOr("Not a valid government id type."),
          ),
          country: requiredText("Not a valid country.").regex(/^[A-Za-z]{2}$/, "Not a valid country: use the ISO 3166 alpha-2 code."),
          front_image: bondFile,
          back_image: bondFile.optional(),
        },
        missingOr("Not a valid object."),
      )
      .refine((id) => !GOVERNMENT_ID_TYPES_WITH_BACK.has(id.type) || id.back_image, {
        message: "back_image is required for this type.",
        path: ["back_image"],
      })
      .optional(),
    proof_of_address: z
      .object(
        { type: z.enum(["utility_bill", "property_tax_bill"], missingOr("Not a valid proof of address type.")), ...bondFileFields },
        missingOr("Not a valid object."),
      )
      .optional(),
    social_security_card: bondFile.optional(),
  },
  bodyObject,
);

/**
 * `POST /webhooks` (Bond's "Creating a webhook subscription"): `url` and `events` required, wildcards
 * such as `kyc*` allowed; `description`, `version` (of the event envelope) and `status` optional.
 */
const webhookStatus = z.enum(["STATUS_ENABLED", "STATUS_DISABLED"], missingOr("Must be one of: STATUS_ENABLED, STATUS_DISABLED."));
const webhookEvents = z
  .array(
    requiredText("Not a valid event.").regex(/^[a-z*][a-z0-9_.*]{0,99}$/, "Not a valid event name or pattern."),
    missingOr("Not a valid list of events."),
  )
  .min(1, "Name at least one event.");
const webhookUrl = requiredText("Not a valid URL.").pipe(z.url({ protocol: /^https?$/, error: "Not a valid URL." }));

export const newWebhookSchema = z.object(
  {
    url: webhookUrl,
    events: webhookEvents,
    description: z.string("Not a valid string.").max(500, "At most 500 characters.").nullish(),
    version: z.string("Not a valid string.").max(10, "Not a valid version.").nullish(),
    status: webhookStatus.optional(),
  },
  bodyObject,
);

/** `PATCH /webhooks/{id}`: any of the same fields. */
export const webhookChangesSchema = newWebhookSchema.partial();
