import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { GOVERNMENT_ID_TYPES, PROOF_OF_ADDRESS_TYPES } from "../domain/kyc-document.js";

/** Enums with Bond's own values (`permanant_resident_card` [sic] is Bond's spelling). */
const GovernmentIdType = Object.fromEntries(GOVERNMENT_ID_TYPES.map((type) => [type, type])) as {
  [K in (typeof GOVERNMENT_ID_TYPES)[number]]: K;
};
registerEnumType(GovernmentIdType, {
  name: "GovernmentIdType",
  description: "Bond's government id types. passport_card, permanant_resident_card and work_permit need a backImage.",
});
const ProofOfAddressType = Object.fromEntries(PROOF_OF_ADDRESS_TYPES.map((type) => [type, type])) as {
  [K in (typeof PROOF_OF_ADDRESS_TYPES)[number]]: K;
};
registerEnumType(ProofOfAddressType, { name: "ProofOfAddressType" });

@InputType({
  description:
    "One file, base64-encoded (a data: URL prefix is accepted). .jpg/.jpeg, .png, .heic or .pdf; the content must match the extension; at most KYC_DOCUMENT_MAX_BYTES decoded (4 MiB by default).",
})
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
