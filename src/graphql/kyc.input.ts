import { Field, ID, InputType } from "type-graphql";

/** A shape only: the domain validates it (and answers every bad field at once). */
@InputType()
export class SubmitKycInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID, { description: "Bond program (bank partnership) id." })
  programId!: string;

  @Field({ description: "######### or ###-##-####. Never stored in clear, logged or returned." })
  ssn!: string;

  @Field({ description: "Digits and dashes." })
  phone!: string;

  @Field({ description: "1 to 3 digits, e.g. 1." })
  phoneCountryCode!: string;

  @Field()
  email!: string;

  @Field({ description: "The customer's IP address (v4 or v6)." })
  ip!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Same key + same input within 24 h returns the first attempt without calling Bond again; same key + other input is refused.",
  })
  idempotencyKey?: string | null;
}
