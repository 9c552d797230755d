import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
  UseMiddleware,
} from "type-graphql";
import type { CustomerRecord } from "../domain/kyc-records.js";
import { assertCanAccessCustomer, rateLimitKey } from "../domain/access.js";
import { CustomerNotFound, DomainError } from "../domain/errors.js";
import type { KycStatusChange } from "../realtime/kyc-status-bus.js";
import type { GraphQLContext } from "./context.js";
import { domainErrorsToGraphQL, toGraphQLError } from "./errors.js";
import { Customer } from "./customer.type.js";
import { KycAttempt } from "./kyc-attempt.type.js";
import { KycStatusEvent } from "./kyc-status-event.type.js";
import { SubmitKycInput } from "./kyc.input.js";

/** graphql-ws reports a thrown subscribe error to the client; give it the same public code as elsewhere. */
async function kycStatusStream({
  args,
  context,
}: SubscribeResolverData<unknown, { customerId: string; afterVersion?: number | null }, GraphQLContext>) {
  try {
    // Checked at every subscribe, with the connection's token as it stands now (an expired one fails).
    assertCanAccessCustomer(context.viewer, args.customerId);
    return await context.kyc.statusChanges.watchKycStatus(args.customerId, args.afterVersion);
  } catch (error) {
    if (error instanceof DomainError) throw toGraphQLError(error);
    throw error;
  }
}

// On the operations only, not globally: a global middleware turns every field of every result into an
// async middleware chain (measured in bench/fanout.mjs: each subscription message resolves six fields).
@UseMiddleware(domainErrorsToGraphQL())
@Resolver()
export class KycResolver {
  @Mutation(() => KycAttempt, {
    description:
      "Validates the KYC data, records the attempt and sends it to Bond. The outcome arrives later (kycStatusChanged). " +
      "Errors: BAD_USER_INPUT (extensions.fields), CUSTOMER_NOT_FOUND, KYC_ALREADY_PASSED (extensions.passedAt), KYC_IN_PROGRESS, " +
      "IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_FLIGHT, UPSTREAM_UNAVAILABLE, UPSTREAM_REJECTED, " +
      "UNAUTHENTICATED, FORBIDDEN (another customer's id), RATE_LIMITED (extensions.retryAfterSeconds).",
  })
  async submitKyc(@Arg("input", () => SubmitKycInput) input: SubmitKycInput, @Ctx() { kyc, viewer, rateLimits }: GraphQLContext) {
    assertCanAccessCustomer(viewer, String(input.customerId ?? ""));
    await rateLimits.consumeSubmitKyc(rateLimitKey(viewer));
    return kyc.submissions.submitKyc(input);
  }

  @Subscription(() => KycStatusEvent, {
    subscribe: kycStatusStream,
    description:
      "The customer's current KYC status, then one message per change (with afterVersion: the changes missed since that version, then the live ones). A customer token may watch only its own id.",
  })
  kycStatusChanged(
    @Arg("customerId", () => ID) _customerId: string,
    @Arg("afterVersion", () => Int, {
      nullable: true,
      description:
        "Resume after a reconnect: the last version this client saw. Instead of the current status, every change after it is sent first " +
        "(oldest first, each once), then the live ones. BAD_USER_INPUT if the customer has not reached it.",
    })
    _afterVersion: number | null | undefined,
    @Root() change: KycStatusChange,
  ): KycStatusChange {
    return change;
  }
}

/**
 * The customer read for a change, once per change however many subscribers select it: every local
 * subscriber of a customer is handed the same change object (src/realtime/kyc-status-bus.ts), and
 * subscribers with different documents execute separately (src/graphql/shared-subscriptions.ts). A first or
 * replayed message is an object of its own subscriber, so it is read for that one.
 */
const customerOfChange = new WeakMap<KycStatusChange, Promise<CustomerRecord | null>>();

@UseMiddleware(domainErrorsToGraphQL())
@Resolver(() => KycStatusEvent)
export class KycStatusEventResolver {
  // Read only when a subscriber selects it: a normalized client cache (Apollo's InMemoryCache, urql's
  // Graphcache) then updates its Customer entry by itself from each message.
  @FieldResolver(() => Customer, {
    description:
      "The customer as stored when this message is sent (select `id`, `kycStatus`, `kycStatusAt`, … so a normalized cache such as Apollo's InMemoryCache updates its Customer by itself).",
  })
  async customer(@Root() change: KycStatusChange, @Ctx() { kyc }: GraphQLContext): Promise<CustomerRecord> {
    let read = customerOfChange.get(change);
    if (!read) customerOfChange.set(change, (read = kyc.customers.getCustomer(change.customerId)));
    const customer = await read;
    if (!customer) throw new CustomerNotFound(change.customerId);
    return customer;
  }
}
