import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, specifiedRules, type DocumentNode, type GraphQLSchema, type ValidationRule } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { Viewer } from "../domain/access.js";
import type { Metrics } from "../observability/metrics.js";
import { REQUEST_ID_HEADER, requestIdFrom, runInRequest } from "../observability/request-context.js";
import { requestIdOfOperation, websocketOperations } from "../observability/websocket-operations.js";
import type { GraphQLContext } from "./context.js";
import { createDocumentCache } from "./document-cache.js";
import { sharedPayloadFrames, sharedSubscribe, type DirectSocket } from "./shared-subscriptions.js";
import { connectionInitDeadlines, keepSocketsAlive, slimUpgradeRequest, tokenExpiries } from "./websocket-sockets.js";
import { assertComplexity, documentSizeRefusal, type QueryLimits } from "./limits.js";
import type { TrustedDocuments } from "./trusted-documents.js";

export interface GraphQLWebSocketOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  verifyToken: TokenVerifier;
  /** The context of one operation, for the connection's viewer. */
  context: (viewer: Viewer) => GraphQLContext;
  formatErrors: (errors: readonly GraphQLError[]) => GraphQLError[] | ReturnType<GraphQLError["toJSON"]>[];
  validationRules: ValidationRule[];
  /** The document limits (tokens, nesting), the same as over HTTP. */
  queryLimits: QueryLimits;
  maxComplexity: number;
  connectionInitTimeoutMs: number;
  maxSubscriptionsPerConnection: number;
  clock: () => Date;
  logger: Logger;
  metrics: Metrics;
  /** TRUSTED_DOCUMENTS: only these documents run (or any, in allow-unknown mode); null = no list. */
  trustedDocuments: TrustedDocuments | null;
  /** OpenTelemetry: a span per operation. */
  tracer?: Tracer;
}

/** Close codes clients can act on: 4401 = send a (valid) token; 4403 = the token no longer holds, get a new one. */
export const CLOSE_UNAUTHENTICATED = CloseCode.Unauthorized;
export const CLOSE_TOKEN_EXPIRED = CloseCode.Forbidden;

interface ConnectionState {
  viewer: Viewer;
  /** The token's expiry slot (tokenExpiries), if it expires. */
  expirySlot?: number;
}

/** graphql-ws's default keep-alive: a ping every 12 s, and a socket that misses a pong by the next one is terminated. */
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws over `ws` with authentication at `connection_init` ({ authorization: "Bearer …" }), the token
 * checked again at every subscribe (expiry) and by every resolver (which customer), the socket closed
 * with 4403 when the token expires, a cap on subscriptions per connection, and the same query limits
 * (depth, aliases, cost, introspection) as over HTTP.
 */
export function startGraphQLWebSocketServer(options: GraphQLWebSocketOptions) {
  // 64 KB per message: subscribe payloads are small documents; larger frames are refused by ws (1009).
  // `noServer` + our own upgrade listener: attached with `server`, ws re-emits the HTTP server's errors
  // (EADDRINUSE at listen) on itself and graphql-ws prints them as a stack trace; listen errors belong to createApp.
  // A shared result is serialised once, then spliced into each subscriber's own message (by the socket class).
  const frames = sharedPayloadFrames();
  const websocketServer = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, WebSocket: frames.WebSocket });
  // Keep-alive and the connection_init timeout once per server, not per socket (websocket-sockets.ts).
  const keepAlive = keepSocketsAlive(websocketServer, KEEP_ALIVE_MS);
  const initDeadlines = connectionInitDeadlines(options.connectionInitTimeoutMs);
  const expiries = tokenExpiries((socket) => socket.close(CLOSE_TOKEN_EXPIRED, "Forbidden: the token has expired"));
  options.httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== options.path) {
      socket.on("error", () => socket.destroy());
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    websocketServer.handleUpgrade(request, socket, head, (websocket) => {
      initDeadlines.start(websocket);
      websocketServer.emit("connection", websocket, slimUpgradeRequest(request));
    });
  });
  const connections = new WeakMap<object, ConnectionState>();
  // Each operation's context → its socket and id, so shared results can be written to it directly.
  const sockets = new WeakMap<object, DirectSocket>();
  const rules = [...specifiedRules, ...options.validationRules];
  const documents = createDocumentCache({ schema: options.schema, rules, maxTokens: options.queryLimits.maxTokens });

  const currentViewer = (state: ConnectionState | undefined): Viewer => {
    if (!state) return { kind: "anonymous", reason: "the connection was not initialised" };
    const { viewer } = state;
    if (viewer.kind !== "anonymous" && viewer.expiresAt && viewer.expiresAt <= options.clock())
      return { kind: "anonymous", reason: "the token has expired" };
    return viewer;
  };

  const cleanup = useServer<Record<string, unknown>, { socket: WebSocket }>(
    {
      schema: options.schema,
      // Each operation is a request: its own request id in log lines, and counted in the metrics.
      // A live change is executed once per distinct (document, variables, viewer kind) and the result
      // shared by those subscribers; authorization, first and replayed messages stay per subscriber.
      ...websocketOperations(
        options.metrics,
        options.logger,
        options.tracer,
        sharedSubscribe({
          groupOf: (args) => (args.contextValue as GraphQLContext).viewer.kind,
          socketOf: (args) => sockets.get(args.contextValue as object),
          onExecute: () => options.metrics.subscriptionExecutions.inc(),
          onMessage: () => options.metrics.subscriptionMessages.inc(),
        }),
      ),
      // Ours (initDeadlines): graphql-ws's would stay allocated for the life of the socket.
      connectionInitWaitTimeout: 0,
      onConnect: async (ctx) => {
        // connection_init received: graphql-ws's timeout stops here too (not when the token is verified).
        initDeadlines.clear(ctx.extra.socket);
        const viewer = await options.verifyToken(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
        // Read once: the token is not kept in memory for the life of the connection.
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        if (viewer.kind === "anonymous") {
          // Not an operation yet: the connection's own request id (the upgrade request's X-Request-Id, or a new one).
          runInRequest(requestIdFrom(ctx.extra.request?.headers[REQUEST_ID_HEADER]), () =>
            options.logger.info({ reason: viewer.reason }, "websocket refused: not authenticated"),
          );
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, `Unauthorized: ${viewer.reason}`.slice(0, 120));
          return false;
        }
        const state: ConnectionState = { viewer };
        if (viewer.expiresAt) {
          state.expirySlot = expiries.add(ctx.extra.socket, Math.max(viewer.expiresAt.getTime() - options.clock().getTime(), 0));
        }
        connections.set(ctx, state);
        return true;
      },
      onClose: (ctx) => {
        initDeadlines.clear(ctx.extra.socket);
        const expirySlot = connections.get(ctx)?.expirySlot;
        if (expirySlot !== undefined) expiries.remove(ctx.extra.socket, expirySlot);
        connections.delete(ctx);
      },
      onSubscribe: (ctx, _id, payload) => {
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${options.maxSubscriptionsPerConnection} operations may run on one connection.`, {
              extensions: { code: "TOO_MANY_SUBSCRIPTIONS" },
            }),
          ];
        }
        let query = payload.query;
        if (options.trustedDocuments) {
          const resolved = options.trustedDocuments.resolve({ ...payload, documentId: (payload as { documentId?: unknown }).documentId });
          if (resolved instanceof GraphQLError) return [resolved];
          query = resolved.query;
        }
        // Tokens and nesting first, without recursion, as over HTTP.
        const refusal = documentSizeRefusal(query, options.queryLimits);
        if (refusal) return [refusal];
        let document: DocumentNode;
        let errors: readonly GraphQLError[];
        try {
          ({ document, errors } = documents.check(query));
        } catch (error) {
          // Same code as over HTTP; the message goes through the shared formatter (no submitted values).
          const message = error instanceof GraphQLError ? error.message : "The document could not be parsed.";
          return [
            new GraphQLError(message, {
              nodes: error instanceof GraphQLError ? error.nodes : undefined,
              extensions: { code: "GRAPHQL_PARSE_FAILED" },
            }),
          ];
        }
        if (errors.length > 0)
          return errors.map(
            (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
          );
        try {
          assertComplexity(
            options.schema,
            document,
            payload.variables ?? undefined,
            payload.operationName ?? undefined,
            options.maxComplexity,
          );
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return { schema: options.schema, document, variableValues: payload.variables, operationName: payload.operationName };
      },
      context: (ctx, id) => {
        const context = options.context(currentViewer(connections.get(ctx)));
        sockets.set(context, { socket: ctx.extra.socket, id });
        return context;
      },
      // eslint-disable-next-line @typescript-eslint/unbound-method -- graphql-ws hands it to JSON.stringify, which calls it with the holder as `this`, as it expects
      jsonMessageReplacer: frames.jsonMessageReplacer,
      onNext: (_ctx, _id, _payload, args, result) => {
        // The result itself (graphql-ws would copy it per subscriber): its JSON is then made once per result.
        if (!result.errors) return result;
        const errors = result.errors;
        const format = () => ({ ...result, errors: options.formatErrors(errors) });
        const requestId = requestIdOfOperation(args);
        return requestId ? runInRequest(requestId, format) : format();
      },
      onError: (_ctx, _id, _payload, errors) => options.formatErrors(errors),
    },
    websocketServer,
    0, // keep-alive: keepSocketsAlive
  );
  return {
    websocketServer,
    dispose: () => {
      keepAlive.stop();
      expiries.stop();
      return cleanup.dispose();
    },
  };
}
