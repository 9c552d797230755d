import { Field, ID, InputType } from "type-graphql";
import { AddressType } from "./types.js";

/** Inputs are shapes only: the domain validates them (and answers every bad field at once). */
@InputType()
export class AddressInput {
  @Field(() => AddressType)
  addressType!: AddressType;

  @Field()
  street!: string;

  @Field(() => String, { nullable: true })
  street2?: string | null;

  @Field()
  city!: string;

  @Field()
  state!: string;

  @Field()
  zipCode!: string;

  @Field({ defaultValue: "US" })
  country!: string;

  @Field(() => Boolean, { nullable: true, description: "Exactly one address must be primary. Absent: true for a lone address, false when there are several." })
  isPrimary?: boolean | null;
}

@InputType()
export class CreateCustomerInput {
  @Field()
  firstName!: string;

  @Field(() => String, { nullable: true })
  middleName?: string | null;

  @Field()
  lastName!: string;

  @Field({ description: "YYYY-MM-DD" })
  dob!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  phoneCountryCode?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [AddressInput], { nullable: true })
  addresses?: AddressInput[] | null;
}

@InputType({ description: "Only the fields given are changed." })
export class UpdateCustomerInput {
  @Field(() => String, { nullable: true })
  firstName?: string;

  @Field(() => String, { nullable: true })
  middleName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string;

  @Field(() => String, { nullable: true })
  dob?: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  phoneCountryCode?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [AddressInput], { nullable: true })
  addresses?: AddressInput[];
}

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
    description: "Same key + same input within 24 h returns the first attempt without calling Bond again; same key + other input is refused.",
  })
  idempotencyKey?: string | null;
}
