import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { CustomerResolver } from "./customer.resolver.js";
import { KycDocumentResolver } from "./kyc-document.resolver.js";
import { KycResolver, KycStatusEventResolver } from "./kyc.resolver.js";
import { KycEventResolver, OperatorResolver } from "./operator.resolver.js";

/** The GraphQL schema from the type-graphql classes; `schema/schema.graphql` is its printed SDL. */
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
