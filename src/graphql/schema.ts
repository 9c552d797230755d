import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { CustomerResolver } from "./customer.resolver.js";
import { KycDocumentResolver } from "./kyc-document.resolver.js";
import { KycResolver, KycStatusEventResolver } from "./kyc.resolver.js";
import { KycEventResolver, OperatorResolver } from "./operator.resolver.js";

/**
 * The GraphQL schema from the type-graphql classes; `schema/schema.graphql` is its printed SDL.
 *
 * One file per feature and role, as in type-graphql's examples: `customer.resolver.ts`, `customer.type.ts`
 * (object types), `customer.input.ts` (input types), `kyc-status.enum.ts` (enums several files use). A class
 * is named as its GraphQL type, except where the domain already has that name: then it ends in `Output` and
 * keeps its GraphQL name through the decorator (`@ObjectType("Address") class AddressOutput`).
 */
export function buildKycSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [CustomerResolver, KycResolver, KycStatusEventResolver, KycDocumentResolver, OperatorResolver, KycEventResolver],
    // Input rules live in the domain (one place, plain TypeScript), not in class-validator decorators.
    validate: false,
    // type-graphql insists on a PubSub once there is a subscription, but ours uses its own `subscribe`
    // (KycService.watchKycStatus over the KycStatusBus), so topic-based pub/sub is never reached.
    pubSub: {
      publish() {
        throw new Error("Topic-based pub/sub is not used; publish through the KycStatusBus.");
      },
      subscribe() {
        throw new Error("Topic-based pub/sub is not used; subscriptions go through KycService.watchKycStatus.");
      },
    },
  });
}
