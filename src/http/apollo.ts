import type { Server } from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { HTTP_DRAIN_GRACE_MS, type AppConfig } from "../config.js";
import type { GraphQLContext } from "../graphql/context.js";
import { complexityPlugin, limitRules, parseOptions } from "../graphql/limits.js";
import { graphqlMetricsPlugin, type Metrics } from "../observability/metrics.js";
import { graphqlTracingPlugin } from "../observability/tracing.js";
import { graphiqlHtml } from "./graphiql.js";
import { combinedRequestPlugin } from "./request-plugins.js";
import { GRAPHQL_PATH } from "./graphql-route.js";

export interface ApolloOptions {
  schema: GraphQLSchema;
  /** Drained on stop (in-flight requests finish). */
  httpServer: Server;
  graphql: AppConfig["graphql"];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
  metrics: Metrics;
  /** AUTH_DEV_MODE's service token, put in GraphiQL's headers editor. */
  devServiceToken: string | null;
}

/** GraphiQL from our own assets at GET /graphql: Apollo's default landing page loads Apollo Sandbox from a CDN. */
function graphiqlLandingPage(devServiceToken: string | null): ApolloServerPlugin<GraphQLContext> {
  return {
    async serverWillStart() {
      const defaultHeaders = devServiceToken ? { Authorization: `Bearer ${devServiceToken}` } : undefined;
      return {
        async renderLandingPage() {
          return { html: graphiqlHtml({ graphqlPath: GRAPHQL_PATH, title: "kyc-graphql", defaultHeaders }) };
        },
      };
    },
  };
}

/** Apollo Server for GraphQL over HTTP: our limits, error formatting, metrics, tracing, and the landing page. Not started. */
export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const { schema, graphql } = options;
  return new ApolloServer<GraphQLContext>({
    schema,
    formatError: options.formatError,
    // Apollo's own messages go through pino too (same redaction, same destination).
    logger: options.logger.child({ component: "apollo" }),
    introspection: graphql.introspection,
    validationRules: limitRules(graphql),
    // The token limit: a huge document is refused while it is parsed, before any rule walks it.
    parseOptions: parseOptions(graphql),
    // Part of our security posture (see SECURITY.md). A GET (or a simple POST) runs only with a header a browser
    // cannot send cross-origin without a CORS preflight: Apollo's two, plus `authorization`, which every
    // operation here needs anyway. So queries by GET work (urql's preferGetMethod) without opening CSRF;
    // mutations are never run by GET (Apollo answers 405).
    csrfPrevention: { requestHeaders: ["authorization", "apollo-require-preflight", "x-apollo-operation-name"] },
    allowBatchedHttpRequests: false,
    // Automatic persisted queries off on purpose: any client could register any document by its hash, which
    // defeats a trusted-documents list; documents are persisted at build time instead (TRUSTED_DOCUMENTS).
    persistedQueries: false,
    // app/process-handlers.ts (run by main.ts) owns SIGINT/SIGTERM and calls close(); Apollo's own handlers would race it and hang stop().
    stopOnTerminationSignals: false,
    plugins: [
      // Waits for in-flight requests (a webhook's transaction included) for up to HTTP_DRAIN_GRACE_MS, well inside
      // SHUTDOWN_TIMEOUT_MS. WebSockets are closed before (App.close()), with 1001 rather than a socket the HTTP drain cut.
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: HTTP_DRAIN_GRACE_MS }),
      // We send no cache hints; the default cache-control plugin would still compute a policy for every field.
      ApolloServerPluginCacheControlDisabled(),
      // Not a federation subgraph: the inline-trace plugin Apollo installs by default would only ask so on every request.
      ApolloServerPluginInlineTraceDisabled(),
      // One listener for the three: Apollo spends promises per listener at every stage of every request.
      combinedRequestPlugin([
        complexityPlugin(schema, graphql.maxComplexity),
        graphqlMetricsPlugin(options.metrics),
        graphqlTracingPlugin(),
      ]),
      graphql.graphiql ? graphiqlLandingPage(options.devServiceToken) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
