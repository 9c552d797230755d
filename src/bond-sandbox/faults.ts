import type { NextFunction, Request, Response } from "express";

/**
 * Switchable fault modes for the sandbox, so tests and the soak bench can make "Bond" slow, down or
 * flaky on purpose. Not part of Bond's contract: nothing here is reachable over HTTP.
 */
export type BondFault =
  /** Answers this status (Bond's error body) without doing anything; `retryAfter` sets the Retry-After header. */
  | { kind: "status"; status: number; retryAfter?: string }
  /** Reads the request and never answers (the client's timeout fires); the socket is dropped after `holdMs`. */
  | { kind: "timeout"; holdMs?: number }
  /** Drops the connection without an answer (the client sees a network error). */
  | { kind: "reset" }
  /** Does the work (e.g. accepts the KYC), then answers `status` instead: Bond acted, the client cannot know. */
  | { kind: "accept-then-fail"; status: number };

export interface FaultRule {
  fault: BondFault;
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only paths (relative to the mount point) matching this (default: any). */
  path?: RegExp;
  /** How many matching requests get the fault (default 1, or unlimited when `rate` is set). */
  times?: number;
  /** Share of matching requests that get the fault, 0–1 (default 1). */
  rate?: number;
}

export interface WebhookFaults {
  /** Extra copies of each delivered webhook (each signed when it is sent, as Bond signs every delivery). */
  duplicates: number;
  /** Send each customer's webhooks independently, each after a random wait up to this many ms, so they may arrive out of order (0 = in order). */
  reorderWindowMs: number;
  /** Lose webhooks: Bond's state still moves, nothing is sent (as if every retry had failed). */
  drop: boolean;
}

export const NO_WEBHOOK_FAULTS: WebhookFaults = { duplicates: 0, reorderWindowMs: 0, drop: false };

export interface SandboxFaults {
  inject(rule: FaultRule): void;
  setWebhookFaults(faults: Partial<WebhookFaults>): void;
  readonly webhook: WebhookFaults;
  /** Removes every rule and webhook fault. */
  clear(): void;
  /** How many requests got a fault. */
  readonly injectedCount: number;
}

export interface FaultInjector extends SandboxFaults {
  /** Router middleware: applies a matching fault, or passes the request on. */
  middleware(request: Request, response: Response, next: NextFunction): void;
  /** The answer status a request marked accept-then-fail must get instead of its own. */
  overrideStatus(response: Response): number | undefined;
  /** Drops connections held by timeout faults. */
  close(): void;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export function createFaultInjector(
  options: { random?: () => number; onFault?: (request: Request, fault: BondFault) => void } = {},
): FaultInjector {
  const random = options.random ?? Math.random;
  let rules: ActiveRule[] = [];
  let webhook: WebhookFaults = { ...NO_WEBHOOK_FAULTS };
  let injectedCount = 0;
  const held = new Set<{ destroy(): void }>();

  function take(request: Request): BondFault | null {
    for (const rule of rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== request.method) continue;
      if (rule.path && !rule.path.test(request.path)) continue;
      if (rule.rate !== undefined && random() >= rule.rate) continue;
      rule.remaining -= 1;
      injectedCount += 1;
      return rule.fault;
    }
    return null;
  }

  return {
    get webhook() {
      return webhook;
    },
    get injectedCount() {
      return injectedCount;
    },
    inject(rule) {
      rules.push({ ...rule, remaining: rule.times ?? (rule.rate !== undefined ? Number.POSITIVE_INFINITY : 1) });
    },
    setWebhookFaults(faults) {
      webhook = { ...webhook, ...faults };
    },
    clear() {
      rules = [];
      webhook = { ...NO_WEBHOOK_FAULTS };
    },
    middleware(request, response, next) {
      const fault = take(request);
      if (!fault) return next();
      if (fault.kind !== "accept-then-fail") options.onFault?.(request, fault);
      switch (fault.kind) {
        case "status":
          if (fault.retryAfter !== undefined) response.set("Retry-After", fault.retryAfter);
          response.status(fault.status).json({
            Message: "Injected fault.",
            Status: fault.status,
            Code: "sandbox_fault",
            Type: fault.status >= 500 ? "Server Error" : "Request Error",
          });
          return;
        case "reset":
          request.socket.destroy();
          return;
        case "timeout": {
          const socket = request.socket;
          const timer = setTimeout(() => socket.destroy(), fault.holdMs ?? 30_000);
          const entry = { destroy: () => (clearTimeout(timer), socket.destroy()) };
          held.add(entry);
          socket.once("close", () => {
            clearTimeout(timer);
            held.delete(entry);
          });
          return;
        }
        case "accept-then-fail":
          response.locals.faultStatus = fault.status;
          return next();
      }
    },
    overrideStatus(response) {
      const status: unknown = response.locals.faultStatus;
      return typeof status === "number" ? status : undefined;
    },
    close() {
      for (const entry of [...held]) entry.destroy();
    },
  };
}
