import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

export interface WebhookReceiver {
  /** Base URL (no trailing slash); any path under it is accepted and recorded. */
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A plain HTTP server that records every POST it gets and answers 200: a stand-in for someone's webhook endpoint. */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        body = {};
      }
      received.push({ path: request.url ?? "/", rawBody, headers: request.headers, body });
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, port === 0 ? "127.0.0.1" : "0.0.0.0", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
