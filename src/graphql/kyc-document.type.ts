import { Field, ID, Int, ObjectType } from "type-graphql";
import type { CustomerRecord } from "../domain/kyc-records.js";
import { Customer } from "./customer.type.js";
import { KycDocumentType } from "./kyc-document-type.enum.js";

/** GraphQL `KycDocumentUpload`, what uploadKycDocument answers; the domain's `KycDocumentUpload` is the checked document sent to Bond. */
@ObjectType("KycDocumentUpload", { description: "A document Bond accepted. The file itself is not kept." })
export class KycDocumentUploadOutput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => KycDocumentType)
  document!: string;

  @Field(() => Int, { nullable: true, description: "Bond's num_documents_submitted, when Bond gives it." })
  numDocumentsSubmitted?: number | null;

  @Field(() => Customer, { description: "The customer after the upload: kycDocumentsRequired no longer lists this document." })
  customer!: CustomerRecord;
}
