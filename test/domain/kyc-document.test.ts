import { describe, expect, it } from "vitest";
import { ValidationFailed, type FieldErrors } from "../../src/domain/errors.js";
import {
  checkKycFile,
  detectKycFileType,
  documentsStillRequired,
  maxUploadRequestBytes,
  validateKycDocumentUpload,
} from "../../src/domain/kyc-document.js";
import { base64, GIF_BYTES, HEIC_BYTES, JPEG_BYTES, jpegFile, PDF_BYTES, pdfFile, PNG_BYTES, pngFile } from "../support/kyc-files.js";

const customerId = "a5bcf5a8-c4e0-4025-8183-5346176ee3db";
const MAX = 1024;

function fieldErrorsOf(work: () => unknown): FieldErrors {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fields;
    throw error;
  }
  throw new Error("expected ValidationFailed");
}

describe("detectKycFileType (magic bytes)", () => {
  it.each([
    ["jpeg", JPEG_BYTES()],
    ["png", PNG_BYTES()],
    ["pdf", PDF_BYTES()],
    ["heic", HEIC_BYTES()],
  ])("recognises %s", (type, bytes) => {
    expect(detectKycFileType(bytes)).toBe(type);
  });

  it("recognises nothing else", () => {
    expect(detectKycFileType(GIF_BYTES())).toBeNull();
    expect(detectKycFileType(Buffer.from("hello world, plain text"))).toBeNull();
    expect(detectKycFileType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(detectKycFileType(Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]))).toBeNull(); // an MP4, not HEIC
  });
});

describe("checkKycFile", () => {
  const check = (input: unknown, max = MAX) => {
    const errors: FieldErrors = {};
    const file = checkKycFile(input as never, "file", max, errors);
    return { file, errors: errors.file ?? [] };
  };

  it("accepts each allowed type whose content matches its name", () => {
    expect(check(jpegFile("id.JPEG")).file).toMatchObject({ fileName: "id.JPEG", type: "jpeg", sizeBytes: 64 });
    expect(check(pngFile()).file?.type).toBe("png");
    expect(check(pdfFile()).file?.type).toBe("pdf");
    expect(check({ fileName: "photo.heic", contentBase64: base64(HEIC_BYTES()) }).file?.type).toBe("heic");
  });

  it("drops a data: URL prefix", () => {
    const { file } = check({ fileName: "a.png", contentBase64: `data:image/png;base64,${base64(PNG_BYTES())}` });
    expect(file?.base64).toBe(base64(PNG_BYTES()));
  });

  it.each([
    ["a missing file", undefined, "Missing data"],
    ["a path as name", { fileName: "../etc/a.jpg", contentBase64: base64(JPEG_BYTES()) }, "slashes"],
    ["an extension Bond does not take", { fileName: "a.gif", contentBase64: base64(GIF_BYTES()) }, "Only .jpg"],
    ["no extension", { fileName: "scan", contentBase64: base64(JPEG_BYTES()) }, "Only .jpg"],
    ["empty content", { fileName: "a.jpg", contentBase64: "" }, "empty"],
    ["invalid base64", { fileName: "a.jpg", contentBase64: "not base64!!" }, "not valid base64"],
    ["base64 without padding", { fileName: "a.jpg", contentBase64: base64(JPEG_BYTES(65)).replace(/=+$/, "") }, "not valid base64"],
    [
      "base64 with line breaks",
      { fileName: "a.jpg", contentBase64: `${base64(JPEG_BYTES()).slice(0, 40)}\n${base64(JPEG_BYTES()).slice(40)}` },
      "not valid base64",
    ],
    ["content that is no accepted type", { fileName: "a.jpg", contentBase64: base64(GIF_BYTES()) }, "not a JPEG, PNG, HEIC or PDF"],
    ["content that does not match the name", { fileName: "a.pdf", contentBase64: base64(PNG_BYTES()) }, "content is PNG"],
  ])("refuses %s", (_what, input, message) => {
    const { file, errors } = check(input);
    expect(file).toBeNull();
    expect(errors.join(" ")).toContain(message);
  });

  it("refuses a file over the cap and accepts one exactly at it", () => {
    expect(check(jpegFile("a.jpg", MAX)).file?.sizeBytes).toBe(MAX);
    expect(check(jpegFile("a.jpg", MAX + 1)).errors.join()).toContain(`larger than the ${MAX}-byte limit`);
  });

  it("refuses an oversized string before decoding it", () => {
    const huge = "A".repeat(10 * MAX);
    expect(check({ fileName: "a.jpg", contentBase64: huge }).errors.join()).toContain("larger than");
  });
});

describe("validateKycDocumentUpload", () => {
  it("takes a government id with its front image", () => {
    const { upload } = validateKycDocumentUpload(
      { customerId, governmentId: { type: "drivers_license", country: "us", frontImage: jpegFile() } },
      MAX,
    );
    expect(upload).toMatchObject({ document: "government_id", type: "drivers_license", country: "US", backImage: null });
  });

  it("requires a back image where Bond needs one", () => {
    for (const type of ["passport_card", "permanant_resident_card", "work_permit"]) {
      expect(
        fieldErrorsOf(() => validateKycDocumentUpload({ customerId, governmentId: { type, country: "US", frontImage: jpegFile() } }, MAX)),
      ).toHaveProperty(["governmentId.backImage"]);
    }
    const { upload } = validateKycDocumentUpload(
      { customerId, governmentId: { type: "work_permit", country: "US", frontImage: jpegFile(), backImage: pngFile() } },
      MAX,
    );
    expect(upload.document === "government_id" && upload.backImage?.type).toBe("png");
  });

  it("takes a proof of address and a social security card", () => {
    expect(validateKycDocumentUpload({ customerId, proofOfAddress: { type: "utility_bill", file: pdfFile() } }, MAX).upload).toMatchObject({
      document: "proof_of_address",
      type: "utility_bill",
    });
    expect(validateKycDocumentUpload({ customerId, socialSecurityCard: { file: jpegFile("ssc.jpg") } }, MAX).upload.document).toBe(
      "social_security_card",
    );
  });

  it("wants exactly one document per call", () => {
    expect(fieldErrorsOf(() => validateKycDocumentUpload({ customerId }, MAX))).toHaveProperty("document");
    expect(
      fieldErrorsOf(() =>
        validateKycDocumentUpload(
          { customerId, socialSecurityCard: { file: jpegFile() }, proofOfAddress: { type: "utility_bill", file: pdfFile() } },
          MAX,
        ),
      ),
    ).toHaveProperty("document");
  });

  it("lists every bad field at once", () => {
    const fields = fieldErrorsOf(() =>
      validateKycDocumentUpload(
        {
          customerId: "nope",
          governmentId: { type: "library_card", country: "USA", frontImage: { fileName: "a.gif", contentBase64: "x" } },
        },
        MAX,
      ),
    );
    expect(Object.keys(fields).sort()).toEqual(["customerId", "governmentId.country", "governmentId.frontImage", "governmentId.type"]);
  });
});

describe("documentsStillRequired", () => {
  it("shrinks as documents are accepted, keeping Bond's order", () => {
    expect(documentsStillRequired(["government_id", "proof_of_address", "social_security_card"], "proof_of_address")).toEqual([
      "government_id",
      "social_security_card",
    ]);
    expect(documentsStillRequired(["government_id"], "government_id")).toEqual([]);
  });
});

describe("maxUploadRequestBytes", () => {
  it("leaves room for two files at the cap in base64", () => {
    expect(maxUploadRequestBytes(3 * 1024 * 1024)).toBeGreaterThan(2 * 4 * 1024 * 1024);
  });
});
