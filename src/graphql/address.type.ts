import { Field, ObjectType, registerEnumType } from "type-graphql";

export enum AddressType {
  MAILING = "MAILING",
  PHYSICAL = "PHYSICAL",
}
registerEnumType(AddressType, { name: "AddressType" });

/** GraphQL `Address`; the domain's is `Address` in src/domain/customer.ts. */
@ObjectType("Address")
export class AddressOutput {
  @Field(() => AddressType)
  addressType!: AddressType;

  @Field()
  street!: string;

  @Field(() => String, { nullable: true })
  street2?: string | null;

  @Field()
  city!: string;

  @Field({ description: "Two-letter US state code." })
  state!: string;

  @Field()
  zipCode!: string;

  @Field()
  country!: string;

  @Field()
  isPrimary!: boolean;
}
