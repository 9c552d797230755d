import type { Logger } from "pino";
import type { BondApi } from "../bond/bond-client.js";
import type { KycRepository } from "../db/kyc-repository.js";
import { CustomerNotFound } from "../domain/errors.js";
import {
  assertDocumentRequired,
  DEFAULT_KYC_DOCUMENT_MAX_BYTES,
  documentsAfterUpload,
  validateKycDocumentUpload,
  type KycDocumentName,
  type KycDocumentUploadInput,
} from "../domain/kyc-document.js";
import type { CustomerRecord } from "../domain/kyc-records.js";
import { callBond } from "./bond-calls.js";

/** What an accepted document upload answers. */
export interface KycDocumentUploadResult {
  customerId: string;
  document: KycDocumentName;
  /** Bond's `num_documents_submitted`, when it says. */
  numDocumentsSubmitted: number | null;
  customer: CustomerRecord;
}

export interface KycDocumentsDeps {
  repository: KycRepository;
  bond: BondApi;
  logger: Logger;
  /** Cap on one decoded supporting-document file (KYC_DOCUMENT_MAX_BYTES). */
  documentMaxBytes?: number;
}

/** Supporting documents Bond asked for: checked here, forwarded to Bond, never stored. */
export class KycDocuments {
  constructor(private readonly deps: KycDocumentsDeps) {}

  /**
   * Checks a supporting document and forwards it to Bond. Only documents Bond asked for (and still
   * needs) are sent; once Bond accepts one it leaves the still-required list. The file is never stored
   * or logged: it lives in this request's memory only.
   */
  async uploadKycDocument(input: KycDocumentUploadInput): Promise<KycDocumentUploadResult> {
    const { customerId, upload } = validateKycDocumentUpload(input, this.deps.documentMaxBytes ?? DEFAULT_KYC_DOCUMENT_MAX_BYTES);
    const { repository } = this.deps;
    const customer = await repository.customers.findCustomer(customerId);
    if (!customer) throw new CustomerNotFound(customerId);
    assertDocumentRequired(customer, upload.document);
    const { numDocumentsSubmitted } = await callBond(() => this.deps.bond.uploadKycDocument(customerId, upload));
    const updated = await repository.transaction(async (tx) => {
      if (!(await repository.statuses.lockCustomer(tx, customerId))) throw new CustomerNotFound(customerId);
      const locked = (await repository.customers.findCustomer(customerId, tx))!;
      const stillRequired = documentsAfterUpload(locked, upload.document);
      if (!stillRequired) return locked;
      return repository.statuses.saveKycDetails(tx, customerId, { documentsRequired: stillRequired });
    });
    this.deps.logger.info(
      { customerId, document: upload.document, files: upload.document === "government_id" ? (upload.backImage ? 2 : 1) : 1 },
      "KYC document forwarded to Bond",
    );
    return { customerId, document: upload.document, numDocumentsSubmitted, customer: updated };
  }
}
