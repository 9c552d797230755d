import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HTTP_TIMEOUT_CHECK_INTERVAL_MS, type AppConfig } from "../config.js";

/** Node's HTTP server with our timeouts: slow or idle clients are cut off rather than holding a socket (Node's defaults allow minutes). */
export function createHttpServer(timeouts: AppConfig["http"]): Server {
  const server = createServer({
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(HTTP_TIMEOUT_CHECK_INTERVAL_MS, timeouts.headersTimeoutMs),
  });
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs; // not every Node 20 reads it from the options
  return server;
}

/** The loopback URL of this server (for calls it makes to itself: the embedded sandbox, the webhook it subscribes). */
export function loopbackUrl(server: Server, fallbackPort: number): string {
  const address = server.address() as AddressInfo | null;
  return `http://127.0.0.1:${address?.port ?? fallbackPort}`;
}

/** Listens on `host:port` (0 = any free port); resolves with the URL it answers at. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}
