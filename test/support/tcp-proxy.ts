import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A TCP proxy a test controls: `cut()` drops every open connection and refuses new ones (each is closed
 * as soon as it is accepted), `restore()` lets connections through again. Put between the app and its
 * Postgres, it makes "the database went away" without touching the real server.
 */
export interface TcpProxy {
  port: number;
  /**
   * "reset" (default): RST every socket and every new one. "close-cleanly": FIN instead, and new connections are
   * accepted then closed at once, so postgres.js sees a connection closed during its handshake (it reconnects).
   */
  cut(mode?: "reset" | "close-cleanly"): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cut: false | "reset" | "close-cleanly" = false;
  const everything = new Set<Socket>(); // for close(): also the half-closed ones
  const server: Server = createServer((client) => {
    everything.add(client);
    client.once("close", () => everything.delete(client));
    // A reset (RST), as from a host whose Postgres is gone: postgres.js fails the query at once on it, while a
    // clean close during its handshake only makes it reconnect.
    if (cut === "reset") return void client.resetAndDestroy();
    if (cut === "close-cleanly") return void client.end();
    const upstream = createConnection(target);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cutAll = (mode: "reset" | "close-cleanly" = "reset") => {
    cut = mode;
    for (const socket of [...open]) (mode === "reset" ? socket.resetAndDestroy() : socket.end());
    open.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut: cutAll,
    restore() {
      cut = false;
    },
    async close() {
      cutAll();
      for (const socket of everything) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
