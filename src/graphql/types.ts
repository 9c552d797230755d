import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { KycAttemptStatus } from "../domain/kyc-attempt.js";
import { KycStatus } from "../domain/kyc-status.js";

registerEnumType(KycStatus, {
  name: "KycStatus",
  description: "Where a customer's KYC stands (see the README's status table for what each means and what to do next).",
});
registerEnumType(KycAttemptStatus, {
  name: "KycAttemptStatus",
  description: "Where one KYC attempt stands: PENDING until Bond answers, NOT_SENT if Bond was unreachable (safe to retry with the same idempotency key), REJECTED if Bond refused it, then the customer's status while it is the latest accepted attempt.",
});

export enum AddressType {
  MAILING = "MAILING",
  PHYSICAL = "PHYSICAL",
}
registerEnumType(AddressType, { name: "AddressType" });

export enum KycDocumentType {
  government_id = "government_id",
  proof_of_address = "proof_of_address",
  social_security_card = "social_security_card",
}
registerEnumType(KycDocumentType, { name: "KycDocumentType", description: "A supporting document Bond can ask for (Bond's own names)." });

export enum KycCheckResult {
  passed = "passed",
  failed = "failed",
}
registerEnumType(KycCheckResult, { name: "KycCheckResult", description: "The result of one of Bond's checks (Bond's own words)." });

@ObjectType({ description: "Which of Bond's checks passed or failed, as Bond reports them with kyc.verification.failure. A check Bond did not report is null." })
export class KycFailureReasons {
  @Field(() => KycCheckResult, { nullable: true, description: "Sanctions screening (OFAC)." })
  ofac?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true, description: "Credit bureau identity match." })
  bureau?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  mobile?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  ip?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  email?: KycCheckResult | null;
}

@ObjectType()
export class Address {
  @Field(() => AddressType)
  addressType!: AddressType;

  @Field()
  street!: string;

  @Field(() => String, { nullable: true })
  street2?: string | null;

  @Field()
  city!: string;

  @Field({ description: "Two-letter US state code." })
  state!: string;

  @Field()
  zipCode!: string;

  @Field()
  country!: string;

  @Field()
  isPrimary!: boolean;
}

@ObjectType({ description: "One KYC attempt. Only the last four digits of the SSN are ever shown." })
export class KycAttempt {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  programId!: string;

  @Field(() => KycAttemptStatus)
  status!: KycAttemptStatus;

  @Field()
  ssnLastFour!: string;

  @Field(() => String, { nullable: true, description: "The idempotency key the client sent, if any." })
  idempotencyKey?: string | null;

  @Field(() => String, { nullable: true, description: "Bond's error code when Bond refused the attempt." })
  rejectionCode?: string | null;

  @Field({ description: "When the attempt was received." })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "When Bond accepted the attempt." })
  sentAt?: Date | null;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: "A customer, created at Bond; `id` is Bond's customer_id." })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field()
  firstName!: string;

  @Field(() => String, { nullable: true })
  middleName?: string | null;

  @Field()
  lastName!: string;

  @Field({ description: "Date of birth, YYYY-MM-DD." })
  dob!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  phoneCountryCode?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [Address])
  addresses!: Address[];

  @Field(() => KycStatus)
  kycStatus!: KycStatus;

  @Field(() => Date, { nullable: true, description: "When the event behind kycStatus occurred." })
  kycStatusAt?: Date | null;

  @Field(() => Date, { nullable: true, description: "When KYC passed (after which no KYC attempt or detail update is allowed)." })
  kycPassedAt?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The bank program (programId) of the KYC attempt that passed. A pass is per customer (Bond's webhooks carry no program_id): Bond refuses any further KYC for this customer, whatever the program.",
  })
  kycPassedProgramId?: string | null;

  @Field(() => [KycDocumentType], { description: "Documents Bond still needs when kycStatus is DOCUMENT_REQUIRED." })
  kycDocumentsRequired!: KycDocumentType[];

  @Field(() => KycFailureReasons, { nullable: true, description: "When kycStatus is FAILED: the checks Bond reported (null if Bond gave no reasons)." })
  kycFailureReasons?: KycFailureReasons | null;

  @Field(() => [String], { description: "When kycStatus is REENTER_INFORMATION: the fields Bond found wrong (Bond's snake_case names, e.g. phone); fix them and submit again." })
  kycIncorrectInformation!: string[];

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: "A customer's KYC status: first the current one, then one message per change." })
export class KycStatusEvent {
  @Field(() => ID)
  customerId!: string;

  @Field(() => KycStatus)
  status!: KycStatus;

  @Field(() => KycStatus, { nullable: true, description: "Null on the first message (the current status)." })
  previousStatus?: KycStatus | null;

  @Field({ description: "When the event behind this status occurred." })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: "The Bond event behind it (kyc.verification.success, …; kyc.submitted for a submission)." })
  event?: string | null;

  @Field(() => Int, { description: "Increases with every change of this customer's status; a client can ignore anything not newer than what it has." })
  version!: number;
}
