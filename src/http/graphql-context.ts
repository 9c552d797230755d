import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { Viewer } from "../domain/access.js";
import { DomainError, Unauthenticated } from "../domain/errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { toGraphQLError } from "../graphql/errors.js";
import type { KycService } from "../kyc/kyc-service.js";
import type { RateLimits } from "./rate-limits.js";

/** The services every operation's context carries, whatever the transport. */
export interface ContextServices {
  kyc: KycService;
  rateLimits: RateLimits;
}

/** The one place a GraphQL context is made, for HTTP requests and WebSocket operations alike. */
export function graphqlContext(services: ContextServices, viewer: Viewer, logger: Logger): GraphQLContext {
  return { kyc: services.kyc, viewer, rateLimits: services.rateLimits, logger };
}

/**
 * Apollo's context function for HTTP: the viewer from the Authorization header. A request without valid
 * credentials spends the source address's budget (guessing is slowed down), then fails UNAUTHENTICATED.
 * (Over WebSocket the token is checked once, at connection_init, by the WebSocket server.)
 */
export function httpGraphQLContext(
  services: ContextServices,
  verifyToken: TokenVerifier,
  logger: Logger,
  clientIp: (request: IncomingMessage) => string | undefined,
) {
  return async (req: IncomingMessage): Promise<GraphQLContext> => {
    const viewer = await verifyToken(req.headers.authorization);
    if (viewer.kind === "anonymous") {
      try {
        await services.rateLimits.consumeAnonymous(clientIp(req) ?? "unknown");
      } catch (error) {
        throw error instanceof DomainError ? toGraphQLError(error) : error;
      }
      throw toGraphQLError(new Unauthenticated(viewer.reason));
    }
    return graphqlContext(services, viewer, logger);
  };
}
