import express, { type RequestHandler, type Router } from "express";
import { READINESS_TIMEOUT_MS } from "../config.js";
import type { Database } from "../db/database.js";
import { checkReadiness } from "../db/readiness.js";

export const HEALTH_PATH = "/healthz";
export const READINESS_PATH = "/readyz";

/**
 * GET /healthz: the process answers (liveness). GET /readyz: the database answers and is migrated
 * (readiness; 503 with a reason otherwise). Both behind the per-IP budget, as they take no token.
 */
export function healthRoutes(db: Database, perIp: RequestHandler): Router {
  const router = express.Router();
  router.get(HEALTH_PATH, perIp, (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get(READINESS_PATH, perIp, async (_request, response) => {
    const readiness = await checkReadiness(db, READINESS_TIMEOUT_MS);
    if (readiness.ready) return void response.json({ status: "ready" });
    response.status(503).json({ status: "not-ready", reason: readiness.reason });
  });
  return router;
}
