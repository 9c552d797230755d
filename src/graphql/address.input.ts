import { Field, InputType } from "type-graphql";
import { AddressType } from "./address.type.js";

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

  @Field(() => Boolean, {
    nullable: true,
    description: "Exactly one address must be primary. Absent: true for a lone address, false when there are several.",
  })
  isPrimary?: boolean | null;
}
