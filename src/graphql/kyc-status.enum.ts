import { registerEnumType } from "type-graphql";
import { KycStatus } from "../domain/kyc-status.js";

registerEnumType(KycStatus, {
  name: "KycStatus",
  description: "Where a customer's KYC stands (see the README's status table for what each means and what to do next).",
});

/** The domain's KycStatus, registered as a GraphQL enum: GraphQL classes import it from here, so it is always registered. */
export { KycStatus };
