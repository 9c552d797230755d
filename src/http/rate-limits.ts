import type { NextFunction, Request, Response } from "express";
import ipaddr from "ipaddr.js";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimited } from "../domain/errors.js";

/**
 * Request budgets, counted in memory per instance with rate-limiter-flexible (maintained, fixed-window
 * counters; its Postgres/Redis stores could share budgets across instances if one instance's share is
 * ever too generous). A limit of 0 switches a budget off.
 */
export interface RateLimits {
  /** submitKyc calls per token subject; throws RateLimited when spent. */
  consumeSubmitKyc(key: string): Promise<void>;
  /** One unit of the source IP's budget for requests without valid credentials; throws RateLimited when spent. */
  consumeAnonymous(ip: string): Promise<void>;
  /** Express middleware charging the source IP (routes that take no token). */
  perIp(): (request: Request, response: Response, next: NextFunction) => void;
}

async function consume(limiter: RateLimiterMemory | null, key: string, what: string): Promise<void> {
  if (!limiter) return;
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)), what);
    throw error;
  }
}

export function createRateLimits(limits: { submitKycPerMinute: number; ipPerMinute: number }): RateLimits {
  const submitKyc = limits.submitKycPerMinute > 0 ? new RateLimiterMemory({ points: limits.submitKycPerMinute, duration: 60, keyPrefix: "submit-kyc" }) : null;
  const perIp = limits.ipPerMinute > 0 ? new RateLimiterMemory({ points: limits.ipPerMinute, duration: 60, keyPrefix: "ip" }) : null;
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
