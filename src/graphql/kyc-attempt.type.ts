import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { KycAttemptStatus } from "../domain/kyc-attempt.js";

registerEnumType(KycAttemptStatus, {
  name: "KycAttemptStatus",
  description:
    "Where one KYC attempt stands: PENDING until Bond answers, NOT_SENT if Bond was unreachable (safe to retry with the same idempotency key), REJECTED if Bond refused it, then the customer's status while it is the latest accepted attempt.",
});

@ObjectType({ description: "One KYC attempt. Only the last four digits of the SSN are ever shown." })
export class KycAttempt {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  programId!: string;

  @Field(() => KycAttemptStatus)
  status!: KycAttemptStatus;

  @Field()
  ssnLastFour!: string;

  @Field(() => String, { nullable: true, description: "The idempotency key the client sent, if any." })
  idempotencyKey?: string | null;

  @Field(() => String, { nullable: true, description: "Bond's error code when Bond refused the attempt." })
  rejectionCode?: string | null;

  @Field({ description: "When the attempt was received." })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "When Bond accepted the attempt." })
  sentAt?: Date | null;

  @Field()
  updatedAt!: Date;
}
