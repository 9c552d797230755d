import type { NextFunction, Request, Response } from "express";
import ipaddr from "ipaddr.js";
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database } from "../db/database.js";
import { rateLimits as rateLimitsTable } from "../db/schema.js";
import { RateLimited } from "../domain/errors.js";

/**
 * Request budgets with rate-limiter-flexible (maintained, fixed-window counters). On Postgres the counters
 * live in the database every instance shares (its Drizzle store), so N instances allow one budget, not N;
 * while that store cannot be reached, an in-memory "insurance" limiter of the same size counts instead
 * (the library's own fallback), so a database outage neither opens the gates nor refuses everyone. On the
 * embedded database there is one process, and memory is the store. A limit of 0 switches a budget off.
 */
export interface RateLimits {
  /** submitKyc calls per token subject; throws RateLimited when spent. */
  consumeSubmitKyc(key: string): Promise<void>;
  /** One unit of the source IP's budget for requests without valid credentials; throws RateLimited when spent. */
  consumeAnonymous(ip: string): Promise<void>;
  /** Express middleware charging the source IP (routes that take no token). */
  perIp(): (request: Request, response: Response, next: NextFunction) => void;
}

async function consume(limiter: RateLimiterAbstract | null, key: string, what: string): Promise<void> {
  if (!limiter) return;
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)), what);
    throw error;
  }
}

export function createRateLimits(limits: { submitKycPerMinute: number; ipPerMinute: number }, sharedStore?: Database | null): RateLimits {
  const limiter = (points: number, keyPrefix: string): RateLimiterAbstract | null => {
    if (points <= 0) return null;
    const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix });
    if (!sharedStore) return memory;
    return new RateLimiterDrizzle({
      storeClient: sharedStore,
      schema: rateLimitsTable,
      points,
      duration: 60,
      keyPrefix,
      insuranceLimiter: memory,
    });
  };
  const submitKyc = limiter(limits.submitKycPerMinute, "submit-kyc");
  const perIp = limiter(limits.ipPerMinute, "ip");
  const consumeAnonymous = (ip: string) => consume(perIp, ip, "requests from this address");
  return {
    consumeSubmitKyc: (key) => consume(submitKyc, key, "KYC submissions for this token"),
    consumeAnonymous,
    perIp() {
      return (request, response, next) => {
        consumeAnonymous(request.ip ?? "unknown").then(
          () => next(),
          (error: unknown) => {
            if (!(error instanceof RateLimited)) return next(error);
            response.set("Retry-After", String(error.details.retryAfterSeconds));
            response.status(429).json({ code: error.code, message: error.message, retryAfterSeconds: error.details.retryAfterSeconds });
          },
        );
      };
    },
  };
}

/** Whether an address is in an allow-list of IPs and CIDR ranges (IPv4-mapped IPv6 counts as IPv4). */
export function ipAllowed(address: string | undefined, allowList: string[]): boolean {
  if (allowList.length === 0) return true;
  if (!address || !ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return allowList.some((entry) => {
    if (entry.includes("/")) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      return range.kind() === parsed.kind() && parsed.match([range, bits] as [typeof parsed, number]);
    }
    const allowed = ipaddr.process(entry);
    return allowed.kind() === parsed.kind() && allowed.toString() === parsed.toString();
  });
}
