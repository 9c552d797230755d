import type { Logger } from "pino";
import type { Viewer } from "../domain/access.js";
import type { RateLimits } from "../http/rate-limits.js";
import type { KycService } from "../kyc/kyc-service.js";

/** What every resolver gets: the use cases, who is calling, their budgets, and a logger bound to the request. */
export interface GraphQLContext {
  kyc: KycService;
  viewer: Viewer;
  rateLimits: RateLimits;
  logger: Logger;
}
