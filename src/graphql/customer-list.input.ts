import { Field, ID, InputType } from "type-graphql";
import { KycStatus } from "./kyc-status.enum.js";

@InputType({ description: "All given conditions must hold." })
export class CustomerFilter {
  @Field(() => KycStatus, { nullable: true })
  kycStatus?: KycStatus | null;

  @Field(() => ID, { nullable: true, description: "Customers with at least one KYC attempt for this Bond program." })
  programId?: string | null;

  @Field(() => Date, { nullable: true, description: "Customers created strictly after this instant." })
  createdAfter?: Date | null;
}
