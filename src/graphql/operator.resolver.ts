import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root, UseMiddleware } from "type-graphql";
import { domainErrorsToGraphQL } from "./errors.js";
import type { Customer as CustomerRecord, KycEventRecord } from "../domain/kyc-records.js";
import { assertService } from "../domain/access.js";
import { publicEventDetails } from "../domain/bond-webhook.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../domain/customer-list.js";
import { KycStatus } from "../domain/kyc-status.js";
import type { GraphQLContext } from "./context.js";
import { Customer, KycDocumentType, KycFailureReasons } from "./types.js";

@InputType({ description: "All given conditions must hold." })
export class CustomerFilter {
  @Field(() => KycStatus, { nullable: true })
  kycStatus?: KycStatus | null;

  @Field(() => ID, { nullable: true, description: "Customers with at least one KYC attempt for this Bond program." })
  programId?: string | null;

  @Field(() => Date, { nullable: true, description: "Customers created strictly after this instant." })
  createdAfter?: Date | null;
}

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

@ObjectType({ description: "One webhook Bond delivered for a customer, as stored (duplicates once), without personal data." })
export class KycEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field({ description: "Bond's event (kyc.verification.success, …; kyc.submitted for the {kyc_status: submitted} webhook)." })
  event!: string;

  @Field(() => Date, { nullable: true, description: "Bond's occurred_at, to the millisecond (null for the submitted webhook and for a status read that gave no time)." })
  occurredAt?: Date | null;

  @Field({ description: "When we received it." })
  receivedAt!: Date;

  @Field({ description: "What it did: changed, or why it did not (stale, already-passed, unchanged)." })
  outcome!: string;

  @Field(() => KycStatus, { description: "The customer's status right after this event." })
  statusAfter!: KycStatus;
}

@Resolver(() => KycEvent)
@UseMiddleware(domainErrorsToGraphQL())
export class KycEventResolver {
  @FieldResolver(() => [KycDocumentType], { description: "Documents asked for (document_required)." })
  documents(@Root() event: KycEventRecord): string[] {
    return publicEventDetails(event.payload).documents;
  }

  @FieldResolver(() => KycFailureReasons, { nullable: true, description: "Checks reported with a failure." })
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
    complexity: ({ args, childComplexity }) => 1 + childComplexity * Math.min(Math.max(Number(args.first ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE),
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
    description: "The KYC webhooks stored for a customer, oldest first, without personal data. Service tokens only. Errors: CUSTOMER_NOT_FOUND, UNAUTHENTICATED, FORBIDDEN.",
    complexity: 20,
  })
  kycEvents(@Arg("customerId", () => ID) customerId: string, @Ctx() { kyc, viewer }: GraphQLContext): Promise<KycEventRecord[]> {
    assertService(viewer);
    return kyc.customers.listKycEvents(customerId);
  }
}
