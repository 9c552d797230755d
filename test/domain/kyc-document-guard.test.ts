import { describe, expect, it } from "vitest";
import { KycDocumentNotRequired } from "../../src/domain/errors.js";
import { assertDocumentRequired, documentsAfterUpload } from "../../src/domain/kyc-document.js";
import { KycStatus } from "../../src/domain/kyc-status.js";

const asking = { kycStatus: KycStatus.DOCUMENT_REQUIRED, kycDocumentsRequired: ["government_id", "proof_of_address"] };

describe("assertDocumentRequired", () => {
  it("lets through a document Bond still asks for", () => {
    expect(() => assertDocumentRequired(asking, "proof_of_address")).not.toThrow();
  });

  it("refuses a document Bond did not ask for, saying what it still needs", () => {
    const error = (() => {
      try {
        assertDocumentRequired(asking, "social_security_card");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(KycDocumentNotRequired);
    expect(error).toMatchObject({
      document: "social_security_card",
      status: KycStatus.DOCUMENT_REQUIRED,
      documentsRequired: ["government_id", "proof_of_address"],
    });
  });

  it("refuses any document outside DOCUMENT_REQUIRED, with nothing listed as needed", () => {
    expect(() =>
      assertDocumentRequired({ kycStatus: KycStatus.UNDER_REVIEW, kycDocumentsRequired: ["government_id"] }, "government_id"),
    ).toThrow(expect.objectContaining({ status: KycStatus.UNDER_REVIEW, documentsRequired: [] }));
  });
});

describe("documentsAfterUpload", () => {
  it("drops the uploaded document from what is still required", () => {
    expect(documentsAfterUpload(asking, "government_id")).toEqual(["proof_of_address"]);
  });

  it("gives null once Bond has moved on (nothing to shrink)", () => {
    expect(documentsAfterUpload({ kycStatus: KycStatus.UNDER_REVIEW, kycDocumentsRequired: [] }, "government_id")).toBeNull();
  });
});
