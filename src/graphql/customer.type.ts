import { Field, ID, ObjectType } from "type-graphql";
import { AddressOutput } from "./address.type.js";
import { KycDocumentType } from "./kyc-document-type.enum.js";
import { KycFailureReasonsOutput } from "./kyc-failure-reasons.type.js";
import { KycStatus } from "./kyc-status.enum.js";

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

  @Field(() => [AddressOutput])
  addresses!: AddressOutput[];

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

  @Field(() => KycFailureReasonsOutput, {
    nullable: true,
    description: "When kycStatus is FAILED: the checks Bond reported (null if Bond gave no reasons).",
  })
  kycFailureReasons?: KycFailureReasonsOutput | null;

  @Field(() => [String], {
    description:
      "When kycStatus is REENTER_INFORMATION: the fields Bond found wrong (Bond's snake_case names, e.g. phone); fix them and submit again.",
  })
  kycIncorrectInformation!: string[];

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
