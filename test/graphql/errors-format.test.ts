import { describe, expect, it } from "vitest";
import { withoutSubmittedValues } from "../../src/graphql/errors.js";

describe("withoutSubmittedValues", () => {
  it.each([
    [
      'Variable "$input" got invalid value 521447318 at "input.ssn"; String cannot represent a non string value: 521447318',
      'Variable "$input" got invalid value at "input.ssn"; String cannot represent a non string value.',
    ],
    [
      'Variable "$input" got invalid value { customerId: "c1", ssn: "521-44-7318", note: "a; b at \\"x\\"" }; Field "note" is not defined by type "SubmitKycInput".',
      'Variable "$input" got invalid value; Field "note" is not defined by type "SubmitKycInput".',
    ],
    [
      'Variable "$filter" got invalid value "SSN 521-44-7318" at "filter.kycStatus"; Value "SSN 521-44-7318" does not exist in "KycStatus" enum.',
      'Variable "$filter" got invalid value at "filter.kycStatus"; Value does not exist in "KycStatus" enum.',
    ],
    ['Expected value of type "String!", found 521447318.', 'Expected value of type "String!", found a value of another type.'],
    ['Syntax Error: Expected Name, found String "521-44-7318".', "Syntax Error: Expected Name, found String."],
    ['Syntax Error: Unexpected Int "521447318".', "Syntax Error: Unexpected Int."],
    ["call me on 555 111 2222", "call me on [redacted]"],
  ])("drops the submitted value from %j", (message, expected) => {
    expect(withoutSubmittedValues(message)).toBe(expected);
  });

  it("keeps limit figures and field names", () => {
    expect(withoutSubmittedValues("Query depth limit of 10 exceeded, found 11.")).toBe("Query depth limit of 10 exceeded, found 11.");
    expect(withoutSubmittedValues('Field "secret" is not defined by type "SubmitKycInput".')).toBe(
      'Field "secret" is not defined by type "SubmitKycInput".',
    );
  });
});
