import { registerEnumType } from "type-graphql";

export enum KycDocumentType {
  government_id = "government_id",
  proof_of_address = "proof_of_address",
  social_security_card = "social_security_card",
}
registerEnumType(KycDocumentType, { name: "KycDocumentType", description: "A supporting document Bond can ask for (Bond's own names)." });
