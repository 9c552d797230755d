import type { IncomingMessage } from "node:http";
import { CloseCode } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import { REQUEST_ID_HEADER } from "../observability/request-context.js";

/**
 * Per-socket state graphql-ws's `use/ws` would keep for the life of every connection, kept once per server
 * instead (an idle subscription is multiplied by tens of thousands; BENCHMARKS.md "Fan-out").
 */

/** How many slices one keep-alive period is cut into: a slice of the sockets is pinged at a time. */
const KEEP_ALIVE_SLICES = 48;

/**
 * graphql-ws's keep-alive (a ping every `intervalMs`; a socket that has not answered the previous ping by
 * the next one is terminated) without a timer, a pong listener closure and a pending timeout per socket:
 * one timer walks the server's sockets a slice at a time (so 10,000 pings are not written in one go), one
 * shared pong listener, and a WeakSet of the sockets whose pong is still awaited.
 */
export function keepSocketsAlive(server: WebSocketServer, intervalMs: number): { stop(): void } {
  const awaitingPong = new WeakSet<WebSocket>();
  function onPong(this: WebSocket) {
    awaitingPong.delete(this);
  }
  server.on("connection", (socket: WebSocket) => socket.on("pong", onPong));
  let cursor: Iterator<WebSocket> | null = null;
  let walkStartedAt = -Infinity;
  const tickMs = Math.max(Math.floor(intervalMs / KEEP_ALIVE_SLICES), 1);
  const timer = setInterval(() => {
    // One walk over the sockets per period, a slice per tick (a walk of a few sockets ends early and waits).
    if (!cursor) {
      const now = performance.now();
      if (now - walkStartedAt < intervalMs) return;
      walkStartedAt = now;
      cursor = server.clients.values();
    }
    // Sockets added during a walk are visited by it too; deleted ones are skipped (Set iteration).
    let budget = Math.ceil(server.clients.size / KEEP_ALIVE_SLICES);
    while (budget-- > 0) {
      const step = cursor.next();
      if (step.done) {
        cursor = null;
        break;
      }
      const socket = step.value;
      if (socket.readyState !== socket.OPEN) continue;
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, tickMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * graphql-ws's connection-init timeout (close 4408 when no `connection_init` was accepted in time), with a
 * timer that is dropped once the connection is acknowledged: graphql-ws keeps its cleared one (and the
 * closure around it) for the life of the socket.
 */
export function connectionInitDeadlines(timeoutMs: number) {
  const timers = new WeakMap<WebSocket, NodeJS.Timeout>();
  const clear = (socket: WebSocket) => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };
  return {
    start(socket: WebSocket): void {
      const timer = setTimeout(() => {
        timers.delete(socket);
        socket.close(CloseCode.ConnectionInitialisationTimeout, "Connection initialisation timeout");
      }, timeoutMs);
      timer.unref();
      timers.set(socket, timer);
    },
    /** The connection was acknowledged, refused or closed: no timeout any more (closing a closed socket is a no-op anyway). */
    clear,
  };
}

/**
 * What graphql-ws keeps as `ctx.extra.request` for the life of the connection: only what we read from it
 * (the X-Request-Id header), not the upgrade's IncomingMessage with all its headers and stream state.
 */
export function slimUpgradeRequest(request: IncomingMessage): IncomingMessage {
  const requestId = request.headers[REQUEST_ID_HEADER];
  return { headers: requestId === undefined ? {} : { [REQUEST_ID_HEADER]: requestId } } as IncomingMessage;
}

/** Expiries are grouped by this much: sockets due in the same slot share a set, and close together. */
const EXPIRY_SLOT_MS = 100;
/** Timers beyond this would overflow setTimeout: the timer fires then, and is set again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes each socket when its token expires, from one timer for the whole server instead of one per
 * connection: sockets are kept in sets by due time (monotonic, in 100 ms slots, rounded up), and the
 * timer is set for the earliest slot. `add` returns the slot, which `remove` takes (the connection keeps it).
 */
export function tokenExpiries(onExpired: (socket: WebSocket) => void) {
  const slots = new Map<number, Set<WebSocket>>();
  let timer: NodeJS.Timeout | null = null;
  let timerSlot = Infinity;
  const setTimer = (slot: number) => {
    if (timer) clearTimeout(timer);
    timerSlot = slot;
    timer = null;
    if (slot === Infinity) return;
    timer = setTimeout(fire, Math.min(Math.max(slot * EXPIRY_SLOT_MS - performance.now(), 0), MAX_TIMER_MS));
    timer.unref();
  };
  function fire() {
    const now = performance.now();
    let earliest = Infinity;
    for (const [slot, sockets] of slots) {
      if (slot * EXPIRY_SLOT_MS <= now) {
        slots.delete(slot);
        for (const socket of sockets) onExpired(socket);
      } else if (slot < earliest) earliest = slot;
    }
    setTimer(earliest);
  }
  return {
    /** Closes `socket` in `inMs` milliseconds (unless removed first). */
    add(socket: WebSocket, inMs: number): number {
      const slot = Math.ceil((performance.now() + inMs) / EXPIRY_SLOT_MS);
      let sockets = slots.get(slot);
      if (!sockets) slots.set(slot, (sockets = new Set()));
      sockets.add(socket);
      if (slot < timerSlot) setTimer(slot);
      return slot;
    },
    remove(socket: WebSocket, slot: number): void {
      const sockets = slots.get(slot);
      if (!sockets) return;
      sockets.delete(socket);
      // The timer stays: when it fires for an empty slot it moves on to the next.
      if (sockets.size === 0) slots.delete(slot);
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      slots.clear();
    },
  };
}
