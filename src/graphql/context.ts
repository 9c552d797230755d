import type { Logger } from "pino";
import type { KycService } from "../kyc/kyc-service.js";

/** What every resolver gets: the use cases and a logger bound to the request. */
export interface GraphQLContext {
  kyc: KycService;
  logger: Logger;
}
