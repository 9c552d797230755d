import { Arg, Ctx, Mutation, Resolver, UseMiddleware } from "type-graphql";
import { domainErrorsToGraphQL } from "./errors.js";
import { assertCanAccessCustomer } from "../domain/access.js";
import type { GraphQLContext } from "./context.js";
import { UploadKycDocumentInput } from "./kyc-document.input.js";
import { KycDocumentUploadOutput } from "./kyc-document.type.js";

@Resolver()
@UseMiddleware(domainErrorsToGraphQL())
export class KycDocumentResolver {
  @Mutation(() => KycDocumentUploadOutput, {
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
