import { KycDocumentNotRequired, ValidationFailed, type FieldErrors } from "./errors.js";
import { KycStatus } from "./kyc-status.js";
import { isUuid } from "./validation.js";

/**
 * Supporting documents for KYC: what Bond can ask for, and the checks a file must pass before it is
 * forwarded to Bond (`POST /customers/{id}/verification-kyc/documents`). Files travel as base64 (Bond's
 * own format); they are decoded here only to check size and magic bytes, and are never stored.
 */

export const KYC_DOCUMENT_NAMES = ["government_id", "proof_of_address", "social_security_card"] as const;
export type KycDocumentName = (typeof KYC_DOCUMENT_NAMES)[number];

/** Bond's government id types, spelled as Bond spells them (`permanant` [sic]). */
export const GOVERNMENT_ID_TYPES = [
  "drivers_license",
  "passport",
  "state_id",
  "passport_card",
  "permanant_resident_card",
  "work_permit",
  "visa",
] as const;
export type GovernmentIdType = (typeof GOVERNMENT_ID_TYPES)[number];

/** Bond documents a back image for these government id types only. */
export const GOVERNMENT_ID_TYPES_WITH_BACK: ReadonlySet<GovernmentIdType> = new Set([
  "passport_card",
  "permanant_resident_card",
  "work_permit",
]);

export const PROOF_OF_ADDRESS_TYPES = ["utility_bill", "property_tax_bill"] as const;
export type ProofOfAddressType = (typeof PROOF_OF_ADDRESS_TYPES)[number];

/** The file types Bond accepts. */
export type KycFileType = "jpeg" | "png" | "heic" | "pdf";

/** Which file-name extensions go with which detected type. */
const EXTENSIONS: Record<string, KycFileType> = { jpg: "jpeg", jpeg: "jpeg", png: "png", heic: "heic", pdf: "pdf" };

/** ISO-BMFF brands of HEIF/HEIC images (the `ftyp` box at byte 4). */
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"]);

/** Default cap on one decoded file; `KYC_DOCUMENT_MAX_BYTES` changes it. */
export const DEFAULT_KYC_DOCUMENT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The type a file's first bytes say it is, or null if it is none of Bond's accepted types. Only the
 * content decides: a name or declared type proves nothing.
 */
export function detectKycFileType(bytes: Uint8Array): KycFileType | null {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "pdf"; // %PDF-
  if (
    bytes.length >= 12 &&
    String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp" &&
    HEIF_BRANDS.has(String.fromCharCode(...bytes.subarray(8, 12)))
  )
    return "heic";
  return null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Browsers' FileReader.readAsDataURL gives `data:<type>;base64,<data>`; the prefix is accepted and dropped. */
const DATA_URL_PREFIX = /^data:[a-z0-9.+/-]{1,100};base64,/i;
// eslint-disable-next-line no-control-regex -- a file name must not contain control characters: that is the check
const FILE_NAME = /^[^/\\\u0000-\u001f\u007f]{1,255}$/;

/** A file as the client sent it, before checkKycFile (which gives a CheckedKycFile or field errors). */
export interface UncheckedKycFile {
  fileName?: unknown;
  contentBase64?: unknown;
}

/** A file that passed every check: what Bond receives (base64 without any data-URL prefix). */
export interface CheckedKycFile {
  fileName: string;
  base64: string;
  type: KycFileType;
  sizeBytes: number;
}

/**
 * Checks one file: a plain file name whose extension is one Bond accepts, strict base64, not empty,
 * at most `maxBytes` once decoded (checked before decoding), and first bytes that match the extension.
 * Adds messages under `field` to `errors` and returns null on any problem.
 */
export function checkKycFile(
  input: UncheckedKycFile | null | undefined,
  field: string,
  maxBytes: number,
  errors: FieldErrors,
): CheckedKycFile | null {
  const fail = (message: string) => {
    (errors[field] ??= []).push(message);
    return null;
  };
  if (!input || typeof input !== "object") return fail("Missing data for required field.");
  const { fileName, contentBase64 } = input;
  if (typeof fileName !== "string" || !FILE_NAME.test(fileName.trim()))
    return fail("fileName must be 1 to 255 characters without slashes or control characters.");
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? "";
  const declared = EXTENSIONS[extension];
  if (!declared) return fail("Only .jpg, .jpeg, .png, .heic and .pdf files are accepted.");
  if (typeof contentBase64 !== "string" || contentBase64.length === 0) return fail("contentBase64 is empty.");
  const base64 = contentBase64.replace(DATA_URL_PREFIX, "");
  // Size first, from the length alone: an oversized string is refused without being decoded.
  const estimatedBytes = Math.floor((base64.length * 3) / 4);
  if (estimatedBytes - 2 > maxBytes) return fail(`The file is larger than the ${maxBytes}-byte limit.`);
  if (base64.length === 0 || !BASE64.test(base64))
    return fail("contentBase64 is not valid base64 (standard alphabet, with padding, no line breaks).");
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length === 0) return fail("The file is empty.");
  if (bytes.length > maxBytes) return fail(`The file is larger than the ${maxBytes}-byte limit.`);
  const detected = detectKycFileType(bytes);
  if (!detected) return fail("The file is not a JPEG, PNG, HEIC or PDF (its content does not match any of them).");
  if (detected !== declared) return fail(`The file's content is ${detected.toUpperCase()}, but its name says .${extension}.`);
  return { fileName: fileName.trim(), base64, type: detected, sizeBytes: bytes.length };
}

/** One document upload as Bond takes it (a single key of its body). */
export type KycDocumentUpload =
  | { document: "government_id"; type: GovernmentIdType; country: string; frontImage: CheckedKycFile; backImage: CheckedKycFile | null }
  | { document: "proof_of_address"; type: ProofOfAddressType; file: CheckedKycFile }
  | { document: "social_security_card"; file: CheckedKycFile };

export interface KycDocumentUploadInput {
  customerId?: unknown;
  governmentId?: { type?: unknown; country?: unknown; frontImage?: UncheckedKycFile | null; backImage?: UncheckedKycFile | null } | null;
  proofOfAddress?: { type?: unknown; file?: UncheckedKycFile | null } | null;
  socialSecurityCard?: { file?: UncheckedKycFile | null } | null;
}

/**
 * Validates an upload: a customer id and exactly one document (one document per call keeps a request
 * to at most two files, which bounds its size). Throws `ValidationFailed` listing every problem.
 */
export function validateKycDocumentUpload(
  input: KycDocumentUploadInput,
  maxBytes: number,
): { customerId: string; upload: KycDocumentUpload } {
  const errors: FieldErrors = {};
  const customerId = typeof input.customerId === "string" ? input.customerId.trim().toLowerCase() : "";
  if (!isUuid(customerId)) errors.customerId = ["Not a valid UUID."];
  const given = (["governmentId", "proofOfAddress", "socialSecurityCard"] as const).filter((key) => input[key] != null);
  if (given.length !== 1) {
    errors.document = ["Give exactly one of governmentId, proofOfAddress or socialSecurityCard."];
    throw new ValidationFailed(errors, "The document upload is missing fields or has ill-formed ones.");
  }
  let upload: KycDocumentUpload | null = null;
  if (input.governmentId) {
    const { type, country, frontImage, backImage } = input.governmentId;
    if (!GOVERNMENT_ID_TYPES.includes(type as GovernmentIdType))
      errors["governmentId.type"] = [`Must be one of: ${GOVERNMENT_ID_TYPES.join(", ")}.`];
    const countryCode = typeof country === "string" ? country.trim().toUpperCase() : "";
    if (!/^[A-Z]{2}$/.test(countryCode)) errors["governmentId.country"] = ["Use the ISO 3166 alpha-2 code (e.g. US)."];
    const front = checkKycFile(frontImage, "governmentId.frontImage", maxBytes, errors);
    const needsBack = GOVERNMENT_ID_TYPES_WITH_BACK.has(type as GovernmentIdType);
    if (needsBack && !backImage) errors["governmentId.backImage"] = [`Required for ${String(type)}.`];
    const back = backImage ? checkKycFile(backImage, "governmentId.backImage", maxBytes, errors) : null;
    if (front)
      upload = { document: "government_id", type: type as GovernmentIdType, country: countryCode, frontImage: front, backImage: back };
  } else if (input.proofOfAddress) {
    const { type, file } = input.proofOfAddress;
    if (!PROOF_OF_ADDRESS_TYPES.includes(type as ProofOfAddressType))
      errors["proofOfAddress.type"] = [`Must be one of: ${PROOF_OF_ADDRESS_TYPES.join(", ")}.`];
    const checked = checkKycFile(file, "proofOfAddress.file", maxBytes, errors);
    if (checked) upload = { document: "proof_of_address", type: type as ProofOfAddressType, file: checked };
  } else if (input.socialSecurityCard) {
    const checked = checkKycFile(input.socialSecurityCard.file, "socialSecurityCard.file", maxBytes, errors);
    if (checked) upload = { document: "social_security_card", file: checked };
  }
  if (Object.keys(errors).length > 0 || !upload)
    throw new ValidationFailed(errors, "The document upload is missing fields or has ill-formed ones.");
  return { customerId, upload };
}

/** Only a document Bond asked for, and still needs, is sent: otherwise KYC_DOCUMENT_NOT_REQUIRED (with what is still required). */
export function assertDocumentRequired(
  customer: { kycStatus: KycStatus; kycDocumentsRequired: readonly string[] },
  document: KycDocumentName,
): void {
  const asking = customer.kycStatus === KycStatus.DOCUMENT_REQUIRED;
  if (!asking || !customer.kycDocumentsRequired.includes(document)) {
    throw new KycDocumentNotRequired(document, customer.kycStatus, asking ? [...customer.kycDocumentsRequired] : []);
  }
}

/**
 * What is still required once Bond accepted `uploaded`, or null when there is nothing to shrink: Bond may
 * already have moved on (under_review arrives once everything is in).
 */
export function documentsAfterUpload(
  customer: { kycStatus: KycStatus; kycDocumentsRequired: readonly string[] },
  uploaded: KycDocumentName,
): string[] | null {
  return customer.kycStatus === KycStatus.DOCUMENT_REQUIRED ? documentsStillRequired(customer.kycDocumentsRequired, uploaded) : null;
}

/** What is still required once Bond has accepted `uploaded`: the list shrinks, order kept. */
export function documentsStillRequired(required: readonly string[], uploaded: KycDocumentName): string[] {
  return required.filter((name) => name !== uploaded);
}

/** The largest JSON request an upload can make: two files at the cap, base64 (4/3), plus room for the rest. */
export function maxUploadRequestBytes(maxFileBytes: number): number {
  return Math.ceil((2 * maxFileBytes * 4) / 3) + 64 * 1024;
}
