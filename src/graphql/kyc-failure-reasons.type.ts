import { Field, ObjectType, registerEnumType } from "type-graphql";

export enum KycCheckResult {
  passed = "passed",
  failed = "failed",
}
registerEnumType(KycCheckResult, { name: "KycCheckResult", description: "The result of one of Bond's checks (Bond's own words)." });

/** GraphQL `KycFailureReasons`; the domain's value is `KycFailureReasons` in src/domain/bond-webhook.ts. */
@ObjectType("KycFailureReasons", {
  description:
    "Which of Bond's checks passed or failed, as Bond reports them with kyc.verification.failure. A check Bond did not report is null.",
})
export class KycFailureReasonsOutput {
  @Field(() => KycCheckResult, { nullable: true, description: "Sanctions screening (OFAC)." })
  ofac?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true, description: "Credit bureau identity match." })
  bureau?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  mobile?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  ip?: KycCheckResult | null;

  @Field(() => KycCheckResult, { nullable: true })
  email?: KycCheckResult | null;
}
