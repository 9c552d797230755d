// Plain JavaScript (types in tcp-proxy.d.mts) so that both the tests and child scripts run by plain `node`
// (driver-cut-under-load.mjs) use this one proxy.
import { createConnection, createServer } from "node:net";

/**
 * A TCP proxy a test controls: `cut()` drops every open connection and refuses new ones (each is closed
 * as soon as it is accepted), `restore()` lets connections through again. Put between the app and its
 * Postgres, it makes "the database went away" without touching the real server.
 *
 * @param {{ host: string; port: number }} target
 * @returns {Promise<import("./tcp-proxy.d.mts").TcpProxy>}
 */
export async function startTcpProxy(target) {
  /** @type {Set<import("node:net").Socket>} */
  const open = new Set();
  /** @type {false | "reset" | "close-cleanly"} */
  let cut = false;
  /** @type {Set<import("node:net").Socket>} for close(): also the half-closed ones */
  const everything = new Set();
  const server = createServer((client) => {
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
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  /** @param {"reset" | "close-cleanly"} [mode] */
  const cutAll = (mode = "reset") => {
    cut = mode;
    for (const socket of [...open]) mode === "reset" ? socket.resetAndDestroy() : socket.end();
    open.clear();
  };
  return {
    port: /** @type {import("node:net").AddressInfo} */ (server.address()).port,
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
