import { describe, expect, it } from "vitest";
import { camelCaseFields } from "../../src/domain/errors.js";

describe("camelCaseFields", () => {
  it("renames Bond's snake_case fields to the GraphQL names, keeping the messages", () => {
    expect(camelCaseFields({ phone_country_code: ["Invalid."], zip_code_2: ["Bad."], email: ["Taken."] })).toEqual({
      phoneCountryCode: ["Invalid."],
      zipCode2: ["Bad."],
      email: ["Taken."],
    });
  });
});
