import { ValidationFailed, type FieldErrors } from "./errors.js";
import { KycStatus } from "./kyc-status.js";
import { isUuid } from "./validation.js";

/**
 * Operators' customer list: filters, page size and opaque cursors (Relay-style). Customers come newest
 * first, ordered by (created_at, id); a cursor is that key of the last customer seen, so pages stay
 * stable while new customers arrive (keyset pagination, no offsets).
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Where the previous page ended. `createdAt` is Postgres's own text for the timestamp (microseconds kept). */
export interface CustomerCursor {
  createdAt: string;
  id: string;
}

export interface CustomerListFilter {
  kycStatus?: KycStatus;
  programId?: string;
  createdAfter?: Date;
}

export interface CustomerListQuery {
  filter: CustomerListFilter;
  first: number;
  after: CustomerCursor | null;
}

/** The UTC text the repository writes for created_at: `2026-11-23 02:29:06.123456+00`. */
const CURSOR_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d{6}\+00$/;

/** A real calendar instant in that form (Postgres would fail on `2026-13-45`, so it must never get one). */
function isCursorTimestamp(value: string): boolean {
  const match = CURSOR_TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

export function encodeCustomerCursor(cursor: CustomerCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

/** The cursor behind an `after` value, or null if it is not one we issued. */
export function decodeCustomerCursor(value: string): CustomerCursor | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== "string" || typeof id !== "string" || !isCursorTimestamp(createdAt) || !isUuid(id)) return null;
    return { createdAt, id: id.toLowerCase() };
  } catch {
    return null;
  }
}

export interface CustomerListInput {
  filter?: { kycStatus?: unknown; programId?: unknown; createdAfter?: unknown } | null;
  first?: unknown;
  after?: unknown;
}

/** Checks the list arguments; throws `ValidationFailed` naming each bad one. */
export function validateCustomerListQuery(input: CustomerListInput): CustomerListQuery {
  const errors: FieldErrors = {};
  const first = input.first ?? DEFAULT_PAGE_SIZE;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    errors.first = [`Must be an integer from 1 to ${MAX_PAGE_SIZE}.`];
  }
  let after: CustomerCursor | null = null;
  if (input.after != null) {
    after = typeof input.after === "string" ? decodeCustomerCursor(input.after) : null;
    if (!after) errors.after = ["Not a cursor from this API (use pageInfo.endCursor of the previous page)."];
  }
  const filter: CustomerListFilter = {};
  const given = input.filter ?? {};
  if (given.kycStatus != null) {
    if (Object.values(KycStatus).includes(given.kycStatus as KycStatus)) filter.kycStatus = given.kycStatus as KycStatus;
    else errors["filter.kycStatus"] = ["Not a KYC status."];
  }
  if (given.programId != null) {
    if (typeof given.programId === "string" && isUuid(given.programId)) filter.programId = given.programId.toLowerCase();
    else errors["filter.programId"] = ["Not a valid program id (UUID expected)."];
  }
  if (given.createdAfter != null) {
    if (given.createdAfter instanceof Date && !Number.isNaN(given.createdAfter.getTime())) filter.createdAfter = given.createdAfter;
    else errors["filter.createdAfter"] = ["Not a valid date-time."];
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors, "Invalid customer list arguments.");
  return { filter, first: first as number, after };
}

/** A page as the API returns it: the rows asked for, and whether more follow. */
export function toPage<T>(rows: T[], first: number, cursorOf: (row: T) => CustomerCursor) {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: encodeCustomerCursor(cursorOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
