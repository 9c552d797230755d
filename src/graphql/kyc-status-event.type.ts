import { Field, ID, Int, ObjectType } from "type-graphql";
import { KycStatus } from "./kyc-status.enum.js";

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

  @Field(() => String, {
    nullable: true,
    description: "The Bond event behind it (kyc.verification.success, …; kyc.submitted for a submission).",
  })
  event?: string | null;

  @Field(() => Int, {
    description: "Increases with every change of this customer's status; a client can ignore anything not newer than what it has.",
  })
  version!: number;
}
