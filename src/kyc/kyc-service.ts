import type { Logger } from "pino";
import type { BondApi } from "../bond/bond-client.js";
import type { KycRepository } from "../db/kyc-repository.js";
import type { WebhookReceiptRepository } from "../db/webhook-receipts.js";
import type { Clock } from "../domain/clock.js";
import type { KycStatusBus } from "../realtime/kyc-status-bus.js";
import type { PiiVault } from "../security/pii-vault.js";
import { Customers } from "./customers.js";
import { KycDocuments } from "./kyc-documents.js";
import { KycSubmissions } from "./kyc-submissions.js";
import { KycStatusChanges } from "./status-changes.js";

export type { Clock } from "../domain/clock.js";
export type { KycDocumentUploadResult } from "./kyc-documents.js";
export { currentKycStatus, type WebhookDelivery, type WebhookOutcome } from "./status-changes.js";

export interface KycServiceDeps {
  repository: KycRepository;
  /** Webhook signatures already accepted (replay refusal). */
  receipts: WebhookReceiptRepository;
  /** Cap on one decoded supporting-document file (KYC_DOCUMENT_MAX_BYTES). */
  documentMaxBytes?: number;
  bond: BondApi;
  bus: KycStatusBus;
  vault: PiiVault;
  clock: Clock;
  logger: Logger;
  /** Test-only fault hook (KYC_FAULT_CRASH_AFTER_BOND_ACCEPT): runs right after Bond accepted an attempt, before we record it. */
  afterBondAccepted?: (attemptId: string) => void;
}

/**
 * The KYC use cases, one file each: customers.ts, kyc-submissions.ts, kyc-documents.ts, and the status
 * core they share, status-changes.ts (webhooks, lookups at Bond, watching). Each validates with the
 * domain, does its database work in one transaction per step, calls Bond outside any transaction, and
 * announces a status change in the transaction that makes it (delivered only once it commits).
 * This class only wires them and is what resolvers, the webhook route and the reconciler hold.
 */
export class KycService {
  readonly customers: Customers;
  readonly statusChanges: KycStatusChanges;
  readonly submissions: KycSubmissions;
  readonly documents: KycDocuments;

  constructor(deps: KycServiceDeps) {
    const { repository, receipts, bond, bus, vault, clock, logger } = deps;
    this.customers = new Customers({ repository, bond, clock });
    this.statusChanges = new KycStatusChanges({ repository, receipts, bond, bus, clock });
    this.submissions = new KycSubmissions({
      repository,
      statusChanges: this.statusChanges,
      bond,
      bus,
      vault,
      clock,
      logger,
      afterBondAccepted: deps.afterBondAccepted,
    });
    this.documents = new KycDocuments({ repository, bond, logger, documentMaxBytes: deps.documentMaxBytes });
  }
}
