import { z } from "zod";
import { ValidationFailed, type FieldErrors } from "./errors.js";

/**
 * Input rules, written once as zod schemas and shared by the KYC and customer use cases.
 * Messages copy Bond's wording where Bond has one ("Missing data for required field.").
 */
export const MISSING = "Missing data for required field.";

const required = (message: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? MISSING : message),
});
const text = (message: string) => z.string(required(message)).trim().min(1, MISSING);

export const rules = {
  uuid: (what: string) => z.guid(required(`Not a valid ${what} (UUID expected).`)),
  /** Bond takes `#########` or `###-##-####`; sandbox test values (000-00-0000 …) must pass, so no SSA range checks. */
  ssn: text("Not a valid SSN.").regex(/^(\d{9}|\d{3}-\d{2}-\d{4})$/, "Not a valid SSN: use ######### or ###-##-####."),
  /** Bond: digits and dashes. E.164 caps a number at 15 digits. */
  phone: text("Not a valid phone number.")
    .regex(/^\d[\d-]*\d$/, "Not a valid phone number: digits and dashes only.")
    .refine(
      (value) => value.replace(/-/g, "").length >= 7 && value.replace(/-/g, "").length <= 15,
      "Not a valid phone number: 7 to 15 digits.",
    ),
  phoneCountryCode: text("Not a valid phone country code.").regex(/^\d{1,3}$/, "Not a valid phone country code: 1 to 3 digits."),
  email: text("Not a valid email address.").max(254, "Not a valid email address.").pipe(z.email("Not a valid email address.")),
  ip: text("Not a valid IP address.").pipe(z.union([z.ipv4(), z.ipv6()], { error: "Not a valid IP address." })),
  /** Bond: 2–50 letters, spaces, apostrophes (and, in practice, hyphens). */
  name: text("Not a valid name.").regex(
    /^[\p{L}][\p{L}\p{M} '’-]{1,49}$/u,
    "Not a valid name: 2 to 50 letters, spaces, hyphens or apostrophes.",
  ),
  dob: text("Not a valid date of birth.")
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Not a valid date of birth: use YYYY-MM-DD.")
    .refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return (
        !Number.isNaN(date.getTime()) &&
        date.toISOString().startsWith(value) &&
        date.getTime() < Date.now() &&
        date.getUTCFullYear() >= 1900
      );
    }, "Not a valid date of birth."),
  idempotencyKey: z
    .string()
    .min(1, "An idempotency key cannot be empty.")
    .max(255, "An idempotency key is at most 255 characters.")
    .regex(/^[\x21-\x7e]+$/, "An idempotency key is printable ASCII without spaces."),
};

/** Built once: a zod schema is an object graph, and `customer(id)` checks an id on every read. */
const GUID = z.guid();

/** Bond's ids are UUIDs; anything else cannot name a customer. */
export function isUuid(value: string): boolean {
  return GUID.safeParse(value).success;
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "input";
    const messages = (fields[key] ??= []);
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return fields;
}

/** Parses `input` with `schema` or throws `ValidationFailed` with one entry per bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(toFieldErrors(parsed.error));
  return parsed.data;
}
