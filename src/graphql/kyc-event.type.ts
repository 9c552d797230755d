import { Field, ID, ObjectType } from "type-graphql";
import { KycStatus } from "./kyc-status.enum.js";

@ObjectType({ description: "One webhook Bond delivered for a customer, as stored (duplicates once), without personal data." })
export class KycEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field({ description: "Bond's event (kyc.verification.success, …; kyc.submitted for the {kyc_status: submitted} webhook)." })
  event!: string;

  @Field(() => Date, {
    nullable: true,
    description: "Bond's occurred_at, to the millisecond (null for the submitted webhook and for a status read that gave no time).",
  })
  occurredAt?: Date | null;

  @Field({ description: "When we received it." })
  receivedAt!: Date;

  @Field({ description: "What it did: changed, or why it did not (stale, already-passed, unchanged)." })
  outcome!: string;

  @Field(() => KycStatus, { description: "The customer's status right after this event." })
  statusAfter!: KycStatus;
}
