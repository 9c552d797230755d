import { WebSocket } from "ws";
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";

type PromiseOrValue<T> = T | Promise<T>;

export interface SharedSubscribeOptions {
  /**
   * What else, besides the document, operation and variables, an execution's result may depend on (the
   * viewer's kind, say). Subscribers share a result only when this is equal too.
   */
  groupOf: (args: ExecutionArgs) => string;
  /**
   * The subscriber's socket and operation id, when its messages may be written to the socket directly
   * (see `sharedSubscribe`); undefined: every message goes through graphql-ws.
   */
  socketOf?: (args: ExecutionArgs) => DirectSocket | undefined;
  /** Called once per execution of a subscription's selection set (a metric). */
  onExecute?: () => void;
  /** Called once per message produced for a subscriber (a metric). */
  onMessage?: () => void;
}

/** The `ws` socket a subscription's messages go to, and the operation id the client gave it. */
export interface DirectSocket {
  socket: { readonly readyState: number; readonly OPEN: number; readonly bufferedAmount: number; send(data: string): void };
  id: string;
}

/** Past this many bytes waiting in a socket, messages go through graphql-ws again (which waits for each write). */
const DIRECT_WRITE_MAX_BUFFERED_BYTES = 64 * 1024;

/** A payload's JSON, made once per ExecutionResult object (a shared result is one object for its whole group). */
const payloadJson = new WeakMap<object, string>();
export function jsonOfPayload(payload: object): string {
  let json = payloadJson.get(payload);
  if (json === undefined) payloadJson.set(payload, (json = JSON.stringify(payload)));
  return json;
}

/**
 * graphql-js's `subscribe` with live changes executed once for many subscribers (the model: Hasura's live
 * queries). Each subscriber still gets its own source stream: the subscribe resolver runs per subscriber,
 * so authorization, the first message and a resume's replayed history stay per subscriber. An event
 * object that reaches several subscribers (the bus hands every local subscriber of a customer the same
 * change object) is executed once per group of subscribers with the same document, operation name,
 * variables and `groupOf`, and every member of the group gets the same ExecutionResult object. Events
 * seen by one subscriber only (a first message, a replayed row) are distinct objects, so they are
 * executed for that subscriber as before. Results are remembered per event object (a WeakMap): they go
 * when the event does.
 *
 * With `socketOf`, a result without errors is written straight to the subscriber's socket as graphql-ws
 * would write it (`{"id":…,"type":"next","payload":…}`, the payload's JSON made once per result), and the
 * stream goes on to its next event without handing the message to graphql-ws: that skips, per
 * subscriber, graphql-ws's hooks, its stringify and the promise chain around each send. Order holds:
 * graphql-ws asks for the next message only once it has written the previous one, and a direct write is
 * made in stream order before anything later is pulled. Results with errors (formatted per subscriber by
 * `onNext`), a socket not open, and a socket with more than 64 KB still unsent (graphql-ws then waits for
 * each write, as before) go through graphql-ws. Nothing is written after graphql-ws has ended the
 * operation (`return()` stops it first).
 *
 * A shared result is read-only: graphql-ws and our `onNext` copy before changing anything.
 */
export function sharedSubscribe(options: SharedSubscribeOptions) {
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const resultsByEvent = new WeakMap<object, Map<string, PromiseOrValue<ExecutionResult>>>();
  const groupKey = (args: ExecutionArgs): string => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = nextDocumentId++));
    // The same text is the same DocumentNode (src/graphql/document-cache.ts); an evicted and re-parsed one
    // only forms a new group. Variables as sent (differently ordered keys only miss a share).
    return JSON.stringify([documentId, args.operationName ?? null, args.variableValues ?? null, options.groupOf(args)]);
  };
  const executeFor = (args: ExecutionArgs, event: unknown): PromiseOrValue<ExecutionResult> => {
    options.onExecute?.();
    return execute({ ...args, rootValue: event });
  };

  return async function subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const group = groupKey(args);
    const target = options.socketOf?.(args);
    const prefix = target ? `{"id":${JSON.stringify(target.id)},"type":"next","payload":` : "";
    const writeDirectly = target
      ? (result: ExecutionResult): boolean => {
          const { socket } = target;
          if (result.errors || socket.readyState !== socket.OPEN || socket.bufferedAmount > DIRECT_WRITE_MAX_BUFFERED_BYTES) return false;
          socket.send(`${prefix}${jsonOfPayload(result)}}`);
          return true;
        }
      : undefined;
    return mapEvents(
      stream,
      (event) => {
        options.onMessage?.();
        if (typeof event !== "object" || event === null) return executeFor(args, event);
        let byGroup = resultsByEvent.get(event);
        if (!byGroup) resultsByEvent.set(event, (byGroup = new Map<string, PromiseOrValue<ExecutionResult>>()));
        let result = byGroup.get(group);
        if (result === undefined) {
          result = executeFor(args, event);
          byGroup.set(group, result);
        }
        return result;
      },
      writeDirectly,
    );
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof (Object(value) as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";

/**
 * graphql-js's mapAsyncIterator: each event through `map`, `return`/`throw` passed to the source (which
 * ends it). A mapped value that `writeDirectly` takes is not returned: the next event is pulled instead.
 */
function mapEvents<T, R>(
  source: AsyncIterable<T>,
  map: (value: T) => PromiseOrValue<R>,
  writeDirectly?: (value: R) => boolean,
): AsyncIterableIterator<R> {
  return new MappedEvents(source[Symbol.asyncIterator](), map, writeDirectly);
}

// A class, not an object of closures: one is held per open subscription (tens of thousands).
class MappedEvents<T, R> implements AsyncIterableIterator<R> {
  private ended = false;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly map: (value: T) => PromiseOrValue<R>,
    private readonly writeDirectly: ((value: R) => boolean) | undefined,
  ) {}

  private async closeSource(): Promise<void> {
    try {
      await this.iterator.return?.();
    } catch {
      // The mapping error is the one to report.
    }
  }

  async next(): Promise<IteratorResult<R>> {
    // Declared outside the loop and cleared before each wait: a message written directly (a subscriber's
    // own first message, say) is not held by this suspended function until the next event.
    let step: IteratorResult<T> | undefined;
    let mapped: PromiseOrValue<R> | undefined;
    let value: R | undefined;
    for (;;) {
      step = mapped = value = undefined;
      step = await this.iterator.next();
      if (step.done || this.ended) return { done: true, value: undefined };
      try {
        // A result executed synchronously (the usual case: the change is the root value) is used as is,
        // without a turn of the microtask queue per subscriber.
        mapped = this.map(step.value);
        value = mapped instanceof Promise ? await mapped : mapped;
      } catch (error) {
        await this.closeSource();
        throw error;
      }
      if (this.ended) return { done: true, value: undefined };
      if (!this.writeDirectly?.(value)) return { done: false, value };
    }
  }

  async return(): Promise<IteratorResult<R>> {
    this.ended = true;
    await this.iterator.return?.();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<R>> {
    this.ended = true;
    await this.closeSource();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<R> {
    return this;
  }
}

/**
 * Serialises a `next` message's payload once however many sockets it goes to, and splices it into each
 * socket's own message (whose `id` the client chose). graphql-ws stringifies every message with our
 * `jsonMessageReplacer` and passes the text to the socket's `send` right away (graphql-ws 6:
 * `socket.send(stringifyMessage(message, replacer))`; `use/ws` calls `ws.send` synchronously or, for a
 * socket no longer open, not at all). So the replacer leaves a `next` message's payload out, remembering
 * its JSON (computed once per payload object, in a WeakMap: a shared ExecutionResult is the same object
 * for every subscriber of its group), and the sockets' `send` (the `WebSocket` class below) puts it back as the message's last field,
 * where graphql-ws puts it (`{ id, type, payload }`). Every stringify starts with the root key, which
 * forgets a payload left over from a send that did not happen.
 *
 * Our `onNext` returns the shared result itself when there are no errors (graphql-ws would otherwise copy
 * it into `{ ...result }` for every subscriber and the identity would be lost).
 */
export function sharedPayloadFrames() {
  let pending: string | null = null;
  let message: unknown = null;
  return {
    jsonMessageReplacer(this: unknown, key: string, value: unknown): unknown {
      if (key === "") {
        pending = null;
        message = value;
        return value;
      }
      // Only the message's own payload (not a field called `payload` deeper down).
      if (
        key !== "payload" ||
        this !== message ||
        typeof value !== "object" ||
        value === null ||
        (message as { type?: unknown }).type !== "next"
      )
        return value;
      pending = jsonOfPayload(value);
      return undefined;
    },
    /**
     * The `ws` WebSocket class to accept sockets with (`new WebSocketServer({ WebSocket })`): its `send` gives
     * a `next` message back the payload the replacer left out. A subclass rather than a wrapped `send` per
     * socket: no closure and no own property on each of tens of thousands of sockets.
     */
    // ws's `send(data, options?, callback?)`: the arguments after `data` are passed on untouched.
    WebSocket: class FramedWebSocket extends WebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        if (pending !== null && typeof data === "string" && data.endsWith('"type":"next"}')) {
          data = `${data.slice(0, -1)},"payload":${pending}}`;
          pending = null;
        }
        (super.send as (data: unknown, ...rest: unknown[]) => void)(data, ...rest);
      }
    },
  };
}
