import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from "type-graphql";
import type { CustomerRecord } from "../domain/kyc-records.js";
import { assertCanAccessCustomer, assertService } from "../domain/access.js";
import type { GraphQLContext } from "./context.js";
import { domainErrorsToGraphQL } from "./errors.js";
import { CreateCustomerInput, UpdateCustomerInput } from "./customer.input.js";
import { Customer } from "./customer.type.js";
import { KycAttempt } from "./kyc-attempt.type.js";

// On the operations only, not globally: a global middleware turns every field of every result into an
// async middleware chain (measured in bench/fanout.mjs: each subscription message resolves six fields).
@UseMiddleware(domainErrorsToGraphQL())
@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, {
    nullable: true,
    description:
      "A customer and their KYC status, or null if there is none with this id. A customer token may read only its own id (FORBIDDEN otherwise).",
  })
  customer(@Arg("id", () => ID) id: string, @Ctx() { kyc, viewer }: GraphQLContext): Promise<CustomerRecord | null> {
    assertCanAccessCustomer(viewer, id);
    return kyc.customers.getCustomer(id);
  }

  @Mutation(() => Customer, {
    description: "Creates the customer at Bond and stores it; the id is Bond's customer_id. Service tokens only.",
  })
  createCustomer(
    @Arg("input", () => CreateCustomerInput) input: CreateCustomerInput,
    @Ctx() { kyc, viewer }: GraphQLContext,
  ): Promise<CustomerRecord> {
    assertService(viewer);
    return kyc.customers.createCustomer(input);
  }

  @Mutation(() => Customer, {
    description:
      "Changes a customer's details at Bond and here. Refused with CUSTOMER_LOCKED once KYC has passed. A customer token may change only its own record.",
  })
  updateCustomer(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Ctx() { kyc, viewer }: GraphQLContext,
  ): Promise<CustomerRecord> {
    assertCanAccessCustomer(viewer, id);
    return kyc.customers.updateCustomer(id, input);
  }

  @FieldResolver(() => [KycAttempt], { description: "KYC attempts, newest first.", complexity: 10 })
  kycAttempts(@Root() customer: CustomerRecord, @Ctx() { kyc }: GraphQLContext) {
    return kyc.customers.listAttempts(customer.id);
  }
}
