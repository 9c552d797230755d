import { Field, ObjectType } from "type-graphql";
import type { CustomerRecord } from "../domain/kyc-records.js";
import { Customer } from "./customer.type.js";

@ObjectType()
export class CustomerEdge {
  @Field({ description: "Opaque; pass it as `after` to continue after this customer." })
  cursor!: string;

  @Field(() => Customer)
  node!: CustomerRecord;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "The last edge's cursor (null on an empty page)." })
  endCursor?: string | null;
}

@ObjectType({ description: "A page of customers (Relay connection), newest first." })
export class CustomerConnection {
  @Field(() => [CustomerEdge])
  edges!: CustomerEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
