import { describe, expect, it } from "vitest";
import {
  decodeCustomerCursor,
  encodeCustomerCursor,
  MAX_PAGE_SIZE,
  toPage,
  validateCustomerListQuery,
} from "../../src/domain/customer-list.js";
import { ValidationFailed } from "../../src/domain/errors.js";

const cursor = { createdAt: "2026-11-23 02:29:06.123456+00", id: "a5bcf5a8-c4e0-4025-8183-5346176ee3db" };

describe("customer cursors", () => {
  it("round-trip, opaque", () => {
    const encoded = encodeCustomerCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(cursor.id);
    expect(decodeCustomerCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ["garbage", "!!!"],
    ["not JSON", Buffer.from("hello").toString("base64url")],
    ["wrong shape", Buffer.from(JSON.stringify({ createdAt: cursor.createdAt, id: cursor.id })).toString("base64url")],
    ["a bad id", Buffer.from(JSON.stringify([cursor.createdAt, "x'); drop table customers;--"])).toString("base64url")],
    ["a bad time", Buffer.from(JSON.stringify(["yesterday", cursor.id])).toString("base64url")],
    ["an impossible date", Buffer.from(JSON.stringify(["2026-13-45 02:29:06.123456+00", cursor.id])).toString("base64url")],
    ["year zero", Buffer.from(JSON.stringify(["0000-00-00 00:00:00.000000+00", cursor.id])).toString("base64url")],
    ["another time zone", Buffer.from(JSON.stringify(["2026-11-23 02:29:06.123456+05", cursor.id])).toString("base64url")],
    ["too long", "A".repeat(500)],
  ])("refuses %s", (_what, value) => {
    expect(decodeCustomerCursor(value)).toBeNull();
  });
});

describe("validateCustomerListQuery", () => {
  it("defaults to 20 per page, no filter", () => {
    expect(validateCustomerListQuery({})).toEqual({ filter: {}, first: 20, after: null });
  });

  it("takes filters and a cursor", () => {
    const createdAfter = new Date("2026-01-01T00:00:00Z");
    const query = validateCustomerListQuery({
      first: 5,
      after: encodeCustomerCursor(cursor),
      filter: { kycStatus: "FAILED", programId: "B50063DF-0B39-43F7-9458-25B08A75D42A", createdAfter },
    });
    expect(query).toEqual({
      first: 5,
      after: cursor,
      filter: { kycStatus: "FAILED", programId: "b50063df-0b39-43f7-9458-25b08a75d42a", createdAfter },
    });
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5])("refuses first = %s", (first) => {
    expect(() => validateCustomerListQuery({ first })).toThrow(ValidationFailed);
  });

  it("refuses a cursor it did not issue and a bad program id", () => {
    try {
      validateCustomerListQuery({ after: "nope", filter: { programId: "x" } });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationFailed).fields).toHaveProperty("after");
      expect((error as ValidationFailed).fields).toHaveProperty(["filter.programId"]);
    }
  });
});

describe("toPage", () => {
  it("says whether more follow and where the page ended", () => {
    const rows = [1, 2, 3].map((n) => ({ ...cursor, id: `a5bcf5a8-c4e0-4025-8183-5346176ee3d${n}` }));
    const page = toPage(rows, 2, (row) => row);
    expect(page.edges.map((edge) => edge.node.id)).toEqual([rows[0].id, rows[1].id]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1].cursor });
    expect(toPage(rows, 3, (row) => row).pageInfo.hasNextPage).toBe(false);
    expect(toPage([], 3, (row) => row).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
