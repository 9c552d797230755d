import { Field, InputType } from "type-graphql";
import { AddressInput } from "./address.input.js";

/** Inputs are shapes only: the domain validates them (and answers every bad field at once). */
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
