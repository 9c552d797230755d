import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, UseMiddleware } from "type-graphql";
import { domainErrorsToGraphQL } from "./errors.js";
import type { KycEventRecord } from "../domain/kyc-records.js";
import { assertService } from "../domain/access.js";
import { publicEventDetails } from "../domain/bond-webhook.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../domain/customer-list.js";
import type { GraphQLContext } from "./context.js";
import { CustomerFilter } from "./customer-list.input.js";
import { CustomerConnection } from "./customer-list.type.js";
import { KycDocumentType } from "./kyc-document-type.enum.js";
import { KycEvent } from "./kyc-event.type.js";
import { KycFailureReasonsOutput } from "./kyc-failure-reasons.type.js";

@Resolver(() => KycEvent)
@UseMiddleware(domainErrorsToGraphQL())
export class KycEventResolver {
  @FieldResolver(() => [KycDocumentType], { description: "Documents asked for (document_required)." })
  documents(@Root() event: KycEventRecord): string[] {
    return publicEventDetails(event.payload).documents;
  }

  @FieldResolver(() => KycFailureReasonsOutput, { nullable: true, description: "Checks reported with a failure." })
  failureReasons(@Root() event: KycEventRecord) {
    return publicEventDetails(event.payload).failureReasons;
  }

  @FieldResolver(() => [String], { description: "Fields Bond found wrong (reenter_information)." })
  incorrectInformation(@Root() event: KycEventRecord): string[] {
    return publicEventDetails(event.payload).incorrectInformation;
  }
}

/** Queries for operators' dashboards: service tokens only. */
@Resolver()
@UseMiddleware(domainErrorsToGraphQL())
export class OperatorResolver {
  @Query(() => CustomerConnection, {
    description:
      `Customers, newest first, ${DEFAULT_PAGE_SIZE} per page by default (first: 1 to ${MAX_PAGE_SIZE}); continue with after: pageInfo.endCursor. ` +
      "Service tokens only. Errors: BAD_USER_INPUT (first out of range, a cursor not from this API), UNAUTHENTICATED, FORBIDDEN.",
    // Each page may hold `first` customers: the cost of what is asked per customer counts that many times.
    complexity: ({ args, childComplexity }) =>
      1 + childComplexity * Math.min(Math.max(Number(args.first ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE),
  })
  customers(
    @Ctx() { kyc, viewer }: GraphQLContext,
    @Arg("filter", () => CustomerFilter, { nullable: true }) filter?: CustomerFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    assertService(viewer);
    return kyc.customers.listCustomers({ filter, first, after });
  }

  @Query(() => [KycEvent], {
    description:
      "The KYC webhooks stored for a customer, oldest first, without personal data. Service tokens only. Errors: CUSTOMER_NOT_FOUND, UNAUTHENTICATED, FORBIDDEN.",
    complexity: 20,
  })
  kycEvents(@Arg("customerId", () => ID) customerId: string, @Ctx() { kyc, viewer }: GraphQLContext): Promise<KycEventRecord[]> {
    assertService(viewer);
    return kyc.customers.listKycEvents(customerId);
  }
}
