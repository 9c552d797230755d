import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, registerEnumType, Resolver, UseMiddleware } from "type-graphql";
import { domainErrorsToGraphQL } from "./errors.js";
import type { Customer as CustomerRecord } from "../domain/kyc-records.js";
import { assertCanAccessCustomer } from "../domain/access.js";
import { GOVERNMENT_ID_TYPES, PROOF_OF_ADDRESS_TYPES } from "../domain/kyc-document.js";
import type { GraphQLContext } from "./context.js";
import { Customer, KycDocumentType } from "./types.js";

/** Enums with Bond's own values (`permanant_resident_card` [sic] is Bond's spelling). */
const GovernmentIdType = Object.fromEntries(GOVERNMENT_ID_TYPES.map((type) => [type, type])) as { [K in (typeof GOVERNMENT_ID_TYPES)[number]]: K };
registerEnumType(GovernmentIdType, { name: "GovernmentIdType", description: "Bond's government id types. passport_card, permanant_resident_card and work_permit need a backImage." });
const ProofOfAddressType = Object.fromEntries(PROOF_OF_ADDRESS_TYPES.map((type) => [type, type])) as { [K in (typeof PROOF_OF_ADDRESS_TYPES)[number]]: K };
registerEnumType(ProofOfAddressType, { name: "ProofOfAddressType" });

@InputType({ description: "One file, base64-encoded (a data: URL prefix is accepted). .jpg/.jpeg, .png, .heic or .pdf; the content must match the extension; at most KYC_DOCUMENT_MAX_BYTES decoded (4 MiB by default)." })
export class KycFileInput {
  @Field({ description: "The file's name, e.g. license-front.jpg; its extension must match the content." })
  fileName!: string;

  @Field({ description: "The file's bytes in standard base64 with padding." })
  contentBase64!: string;
}

@InputType()
export class GovernmentIdInput {
  @Field(() => GovernmentIdType)
  type!: string;

  @Field({ description: "Issuing country, ISO 3166 alpha-2 (e.g. US)." })
  country!: string;

  @Field(() => KycFileInput)
  frontImage!: KycFileInput;

  @Field(() => KycFileInput, { nullable: true, description: "Required for passport_card, permanant_resident_card and work_permit." })
  backImage?: KycFileInput | null;
}

@InputType()
export class ProofOfAddressInput {
  @Field(() => ProofOfAddressType)
  type!: string;

  @Field(() => KycFileInput)
  file!: KycFileInput;
}

@InputType()
export class SocialSecurityCardInput {
  @Field(() => KycFileInput)
  file!: KycFileInput;
}

@InputType({ description: "Exactly one of governmentId, proofOfAddress or socialSecurityCard: one document per call." })
export class UploadKycDocumentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => GovernmentIdInput, { nullable: true })
  governmentId?: GovernmentIdInput | null;

  @Field(() => ProofOfAddressInput, { nullable: true })
  proofOfAddress?: ProofOfAddressInput | null;

  @Field(() => SocialSecurityCardInput, { nullable: true })
  socialSecurityCard?: SocialSecurityCardInput | null;
}

@ObjectType({ description: "A document Bond accepted. The file itself is not kept." })
export class KycDocumentUpload {
  @Field(() => ID)
  customerId!: string;

  @Field(() => KycDocumentType)
  document!: string;

  @Field(() => Int, { nullable: true, description: "Bond's num_documents_submitted, when Bond gives it." })
  numDocumentsSubmitted?: number | null;

  @Field(() => Customer, { description: "The customer after the upload: kycDocumentsRequired no longer lists this document." })
  customer!: CustomerRecord;
}

@Resolver()
@UseMiddleware(domainErrorsToGraphQL())
export class KycDocumentResolver {
  @Mutation(() => KycDocumentUpload, {
    description:
      "Sends one supporting document Bond asked for (kycStatus DOCUMENT_REQUIRED, listed in kycDocumentsRequired) to Bond. " +
      "Once every document asked for is in, Bond reviews them (UNDER_REVIEW) and then sends the outcome. " +
      "Errors: BAD_USER_INPUT (extensions.fields: type, size, content or missing fields), CUSTOMER_NOT_FOUND, " +
      "DOCUMENT_NOT_REQUIRED (extensions.status, extensions.documentsRequired), UPSTREAM_UNAVAILABLE, UPSTREAM_REJECTED, UNAUTHENTICATED, FORBIDDEN.",
  })
  uploadKycDocument(@Arg("input", () => UploadKycDocumentInput) input: UploadKycDocumentInput, @Ctx() { kyc, viewer }: GraphQLContext) {
    assertCanAccessCustomer(viewer, String(input.customerId ?? ""));
    return kyc.documents.uploadKycDocument(input);
  }
}
