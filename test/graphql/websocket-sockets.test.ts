import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { keepSocketsAlive, tokenExpiries } from "../../src/graphql/websocket-sockets.js";
import { until } from "../support/fixtures.js";

describe("keep-alive for every socket of a server, from one timer", () => {
  let httpServer: Server | undefined;
  let stop: (() => void) | undefined;
  afterEach(async () => {
    stop?.();
    await new Promise((resolve) => httpServer?.close(resolve) ?? resolve(undefined));
  });

  it("pings every socket, keeps those that answer and terminates one that stops answering", async () => {
    const server = new WebSocketServer({ noServer: true });
    httpServer = createServer();
    httpServer.on("upgrade", (request, socket, head) =>
      server.handleUpgrade(request, socket, head, (websocket) => server.emit("connection", websocket, request)),
    );
    const keepAlive = keepSocketsAlive(server, 200);
    stop = () => keepAlive.stop();
    await new Promise<void>((resolve) => httpServer!.listen(0, "127.0.0.1", resolve));
    const url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    const open = (autoPong: boolean) =>
      new Promise<{ socket: WebSocket; pings: number; closed: boolean }>((resolve, reject) => {
        const client = { socket: new WebSocket(url, { autoPong }), pings: 0, closed: false };
        client.socket.on("ping", () => (client.pings += 1));
        client.socket.on("close", () => (client.closed = true));
        client.socket.once("open", () => resolve(client));
        client.socket.once("error", reject);
      });
    const answering = await Promise.all([open(true), open(true), open(true)]);
    const silent = await open(false);
    try {
      await until(() => silent.closed, 10_000);
      expect(silent.pings).toBeGreaterThanOrEqual(1);
      await until(() => answering.every((client) => client.pings >= 3), 10_000);
      expect(answering.map((client) => client.closed)).toEqual([false, false, false]);
      expect(server.clients.size).toBe(3);
    } finally {
      for (const client of [...answering, silent]) client.socket.terminate();
    }
  });
});

describe("token expiries for every socket of a server, from one timer", () => {
  it("expires the sockets that are due, in any order of adding, and not one removed before", async () => {
    const expired: string[] = [];
    const expiries = tokenExpiries((socket) => expired.push((socket as unknown as { name: string }).name));
    const socket = (name: string) => ({ name }) as unknown as WebSocket;
    try {
      const [late, early, removed] = [socket("late"), socket("early"), socket("removed")];
      expiries.add(late, 400);
      expiries.add(early, 50);
      const slot = expiries.add(removed, 100);
      expiries.remove(removed, slot);
      await until(() => expired.length === 2, 10_000);
      expect(expired).toEqual(["early", "late"]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(expired).toEqual(["early", "late"]);
    } finally {
      expiries.stop();
    }
  });
});
