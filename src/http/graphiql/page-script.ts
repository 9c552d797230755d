/// <reference lib="dom" />
// This one function runs in the browser, not in Node: the DOM types above are for it. (The reference adds
// them to the whole program; server code has no business with `document`, and review keeps it that way.)
import type { GraphiQL as GraphiQLComponent, GraphiQLProps } from "graphiql";
import type * as GraphQLModule from "graphql";
import type * as GraphQLWsModule from "graphql-ws";
import type * as ReactModule from "react";
import type * as ReactDOMClientModule from "react-dom/client";

/** The page's settings, in the #graphiql-config JSON block (written by graphiqlHtml, read by the script). */
export interface GraphiQLPageConfig {
  graphqlPath: string;
  defaultQuery: string;
  /** Sent with every request, not shown. */
  headers: Record<string, string>;
  /** Shown in the headers editor (editable). */
  defaultHeaders: Record<string, string>;
}

/** What the UMD bundles loaded before the script put on `window`. */
interface PageGlobals {
  React?: typeof ReactModule;
  ReactDOM?: typeof ReactDOMClientModule;
  GraphiQL?: typeof GraphiQLComponent & { GraphQL: typeof GraphQLModule };
  graphqlWs?: typeof GraphQLWsModule;
}

type Fetcher = GraphiQLProps["fetcher"];
type FetcherParams = Parameters<Fetcher>[0];
type FetcherOpts = Parameters<Fetcher>[1];
type Result = GraphQLWsModule.FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;
interface Observer {
  next(result: Result): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * The page's own script: builds the fetcher (HTTP for queries and mutations, graphql-ws for subscriptions)
 * and renders GraphiQL. Served as `(<this function's compiled source>)();`, so it must stand alone: it
 * may use nothing from this module or any import at run time (the imports above are types only, erased).
 */
export function graphiqlPageScript(): void {
  "use strict";
  // Named here, not at module level: this function is served on its own and may use nothing outside it.
  /** How much of a non-GraphQL answer to show in the result pane: enough to recognise an error page. */
  const BODY_EXCERPT_CHARS = 2000;
  /** WebSocket reconnects: the first wait, doubled per attempt up to the cap, plus up to the jitter (spreads a restart's reconnects). */
  const RECONNECT_BASE_MS = 1000;
  const RECONNECT_MAX_MS = 15000;
  const RECONNECT_JITTER_MS = 1000;
  /** The close code of a normal closure (not worth reporting as trouble). */
  const CLOSE_NORMAL = 1000;

  const root = document.getElementById("graphiql")!;
  const config = JSON.parse(document.getElementById("graphiql-config")!.textContent) as GraphiQLPageConfig;

  function fail(message: string): never {
    root.textContent = message;
    throw new Error(message);
  }
  const { React, ReactDOM, GraphiQL, graphqlWs } = window as unknown as PageGlobals;
  if (!React || !ReactDOM || !GraphiQL || !graphqlWs) {
    fail("GraphiQL could not start: one of its scripts did not load.");
  }

  const httpUrl = new URL(config.graphqlPath, window.location.href);
  const wsUrl = new URL(httpUrl.href);
  wsUrl.protocol = httpUrl.protocol === "https:" ? "wss:" : "ws:";

  // Results shown in the result pane when something goes wrong outside GraphQL itself
  // (network, HTTP, WebSocket), so that problems are visible instead of an empty pane.
  function problem(message: string, extensions?: Record<string, unknown>): Result {
    return { errors: [{ message, extensions: Object.assign({ source: "graphiql" }, extensions) }] };
  }

  // Parses the text being sent rather than using GraphiQL's opts.documentAST, which is updated 100 ms
  // after the last keystroke and can lag behind a quick Ctrl-Enter.
  function isSubscription(params: FetcherParams): boolean {
    const GraphQL = GraphiQL!.GraphQL;
    let ast;
    try {
      ast = GraphQL.parse(params.query);
    } catch {
      return false; // not valid GraphQL: let the server report the syntax error over HTTP
    }
    // Null when the operation cannot be told (several operations and no name): HTTP reports that too.
    const operation = GraphQL.getOperationAST(ast, params.operationName || undefined);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison -- the page's GraphQL is the browser bundle's global, typed only: its enum values are these strings
    return Boolean(operation && operation.operation === "subscription");
  }

  // Queries and mutations: a JSON POST, which Apollo's CSRF prevention lets through.
  async function overHttp(params: FetcherParams, opts: FetcherOpts): Promise<Result> {
    let response: Response;
    try {
      response = await fetch(httpUrl.href, {
        method: "POST",
        headers: Object.assign(
          { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
          config.headers,
          opts && opts.headers,
        ),
        body: JSON.stringify(params),
        credentials: "same-origin",
      });
    } catch (error) {
      return problem(
        "Could not reach " + httpUrl.href + ": " + (error && (error as Error).message ? (error as Error).message : String(error)),
      );
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as Result;
    } catch {
      return problem("HTTP " + response.status + " " + response.statusText + " from " + httpUrl.href + " is not a GraphQL response.", {
        status: response.status,
        body: text.slice(0, BODY_EXCERPT_CHARS),
      });
    }
  }

  // Subscriptions: graphql-ws over one lazily opened WebSocket (closed when no subscription runs).
  const running = new Set<Observer>(); // observers of the subscriptions in progress, to tell them about reconnects
  let lastTrouble = "WebSocket connection lost";
  function tellRunning(result: Result) {
    running.forEach((observer) => observer.next(result));
  }
  function describeClose(event: CloseEvent): string {
    return "WebSocket " + wsUrl.href + " closed (code " + event.code + (event.reason ? ": " + event.reason : "") + ")";
  }
  function isCloseEvent(value: unknown): value is CloseEvent {
    return typeof value === "object" && value !== null && "code" in value && "reason" in value;
  }

  let latestHeaders: Record<string, unknown> = Object.assign({}, config.headers);
  const client = graphqlWs.createClient({
    url: wsUrl.href,
    lazy: true,
    // The headers (from the headers editor: typically Authorization) go along as connection params,
    // where graphql-ws servers look; read when the socket opens, so a changed token applies on reconnect.
    connectionParams: () => {
      const params: Record<string, unknown> = {};
      Object.keys(latestHeaders).forEach((name) => {
        params[name.toLowerCase()] = latestHeaders[name];
      });
      return params;
    },
    // Keep trying while a subscription runs (its Stop button ends it); each wait is shown in the pane.
    retryAttempts: Infinity,
    // graphql-ws gives up at once on a browser "error" event (what a refused connection produces);
    // retry those too. Close codes it deems fatal (4400 and the like) are still not retried.
    shouldRetry: (errorOrClose) => isCloseEvent(errorOrClose) || (typeof Event !== "undefined" && errorOrClose instanceof Event),
    // Exponential backoff with jitter, capped: graphql-ws's default has no cap.
    retryWait: (retries) => {
      const delay = Math.min(RECONNECT_BASE_MS * Math.pow(2, retries), RECONNECT_MAX_MS) + Math.floor(Math.random() * RECONNECT_JITTER_MS);
      tellRunning(
        problem(lastTrouble + "; reconnecting in " + Math.round(delay / 1000) + " s (attempt " + (retries + 1) + ")…", { retrying: true }),
      );
      return new Promise((resolve) => setTimeout(resolve, delay));
    },
    on: {
      error: () => {
        lastTrouble = "WebSocket " + wsUrl.href + " failed (is the server running?)";
      },
      closed: (event) => {
        if (isCloseEvent(event) && event.code !== CLOSE_NORMAL) lastTrouble = describeClose(event);
      },
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry)
          tellRunning({
            data: null,
            extensions: {
              source: "graphiql",
              notice: "WebSocket reconnected; the subscription was resubscribed and waits for the next event.",
            },
          });
      },
    },
  });

  // An Observable (GraphiQL subscribes to it and calls unsubscribe on Stop) rather than an async
  // generator: a generator's return() waits for the pending next value, so Stop would not unsubscribe.
  function overWebSocket(params: FetcherParams) {
    return {
      subscribe(observer: Observer) {
        running.add(observer);
        const unsubscribe = client.subscribe<Record<string, unknown>, Record<string, unknown>>(params, {
          next: (result) => observer.next(result),
          complete: () => {
            running.delete(observer);
            observer.complete();
          },
          error: (error) => {
            running.delete(observer);
            if (Array.isArray(error))
              observer.error(error); // GraphQL errors from the server (shown as { errors })
            else if (isCloseEvent(error)) observer.error([{ message: describeClose(error) }]);
            else if (error instanceof Error) observer.error(error);
            else observer.error([{ message: lastTrouble }]);
          },
        });
        return {
          unsubscribe: () => {
            running.delete(observer);
            unsubscribe();
          },
        };
      },
    };
  }

  // GraphiQL's operationName also comes from its 100 ms-late parse: after the editor's text was replaced
  // and run at once, it can still name the previous document's operation. When the text being sent has
  // one operation and no operation of that name, send it without the stale name.
  function withCurrentOperationName(params: FetcherParams): FetcherParams {
    if (!params.operationName) return params;
    let ast;
    try {
      ast = GraphiQL!.GraphQL.parse(params.query);
    } catch {
      return params;
    }
    const operations = ast.definitions.filter(
      (definition): definition is GraphQLModule.OperationDefinitionNode => (definition.kind as string) === "OperationDefinition",
    );
    const named = operations.some((operation) => operation.name && operation.name.value === params.operationName);
    if (named || operations.length !== 1) return params;
    return Object.assign({}, params, { operationName: operations[0].name ? operations[0].name.value : undefined });
  }

  function fetcher(graphiqlParams: FetcherParams, opts?: FetcherOpts) {
    const params = withCurrentOperationName(graphiqlParams);
    latestHeaders = Object.assign({}, config.headers, opts && opts.headers);
    return isSubscription(params) ? overWebSocket(params) : overHttp(params, opts);
  }

  // ?query=…&variables=… open a tab with that operation (handy for links and scripted tests).
  const search = new URLSearchParams(window.location.search);
  // The one cast: GraphiQL's Fetcher type wants results with GraphQLError instances (JSON from a server has
  // plain { message } errors) and an Observable with callback forms too (GraphiQL subscribes with an observer).
  const props: GraphiQLProps = { fetcher: fetcher as Fetcher, defaultQuery: config.defaultQuery };
  // Headers the server suggests (the development token) appear in the headers editor, where they can be changed.
  if (Object.keys(config.defaultHeaders).length > 0) props.defaultHeaders = JSON.stringify(config.defaultHeaders, null, 2);
  if (search.has("query")) props.query = search.get("query")!;
  if (search.has("variables")) props.variables = search.get("variables")!;

  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
}
