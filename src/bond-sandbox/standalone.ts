import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createBondSandbox, type BondSandbox, type BondSandboxOptions } from "./bond-sandbox.js";

export interface StandaloneBondSandbox {
  /** Base URL to give as BOND_API_URL (ends in /api/v0.1). */
  apiUrl: string;
  sandbox: BondSandbox;
  close(): Promise<void>;
}

/**
 * The sandbox on an HTTP server of its own, outside the app's process: Bond's memory (customers,
 * idempotency keys, pending webhooks) then survives the app crashing or restarting, as the real Bond's would.
 */
export async function startStandaloneBondSandbox(options: BondSandboxOptions, port = 0): Promise<StandaloneBondSandbox> {
  const sandbox = createBondSandbox(options);
  const app = express();
  app.disable("x-powered-by");
  app.use("/api/v0.1", sandbox.router);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0.1`,
    sandbox,
    async close() {
      await sandbox.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
