import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import express, { type NextFunction, type Request, type Response, type Router } from "express";

/**
 * GraphiQL served entirely by this server: the machine running the API (or the browser using it)
 * may have no internet access, and Apollo's default landing page loads Apollo Sandbox from a CDN.
 *
 * The page is plain HTML plus same-origin files only: the GraphiQL (JS and CSS), React, ReactDOM and
 * graphql-ws UMD bundles from node_modules, and two small files generated here (the page's CSS and the
 * script that builds the fetcher and renders GraphiQL). Its settings travel in a JSON data block, so the page
 * runs no inline script or style and fits a `script-src 'self'; style-src 'self'` policy.
 */

/** Static assets (GraphiQL, React, graphql-ws UMD bundles and CSS) from node_modules; mount with app.use(GRAPHIQL_ASSETS_PATH, graphiqlAssets()). */
export const GRAPHIQL_ASSETS_PATH = "/graphiql-assets";

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

const require = createRequire(import.meta.url);

interface PackageFile {
  package: string;
  /** Path inside the package. */
  file: string;
  contentType: string;
}

/** The allow-list: URL file name → file in node_modules. Nothing else under GRAPHIQL_ASSETS_PATH is served. */
const PACKAGE_FILES = new Map<string, PackageFile>([
  ["graphiql.min.css", { package: "graphiql", file: "graphiql.min.css", contentType: CSS }],
  ["react.production.min.js", { package: "react", file: "umd/react.production.min.js", contentType: JS }],
  ["react-dom.production.min.js", { package: "react-dom", file: "umd/react-dom.production.min.js", contentType: JS }],
  ["graphql-ws.min.js", { package: "graphql-ws", file: "umd/graphql-ws.min.js", contentType: JS }],
  ["graphiql.min.js", { package: "graphiql", file: "graphiql.min.js", contentType: JS }],
]);

/**
 * A package's root directory. Resolved through its package.json because react, react-dom and graphql-ws
 * have `exports` maps that do not expose their `umd/` files (graphiql has none; package.json works for all).
 */
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

const versions = new Map<string, string>();
/** The installed version, used as a cache-busting query string next to the year-long cache lifetime. */
function packageVersion(name: string): string {
  let version = versions.get(name);
  if (version === undefined) {
    version = String((require(`${name}/package.json`) as { version?: unknown }).version ?? "0");
    versions.set(name, version);
  }
  return version;
}

/** CSS that lets GraphiQL fill the window (it sizes itself to its parent). */
const PAGE_CSS = `html, body, #graphiql { height: 100%; margin: 0; }
#graphiql > .graphiql-loading { padding: 1rem; font-family: system-ui, sans-serif; }
`;

/**
 * The page's own script. Plain ES2020 run by the browser, so it is kept free of backticks and `${`
 * (it lives in a template literal) and reads its settings from the #graphiql-config JSON block.
 */
const PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);

  function fail(message) {
    root.textContent = message;
    throw new Error(message);
  }
  if (!window.React || !window.ReactDOM || !window.GraphiQL || !window.graphqlWs) {
    fail("GraphiQL could not start: one of its scripts did not load.");
  }

  var httpUrl = new URL(config.graphqlPath, window.location.href);
  var wsUrl = new URL(httpUrl.href);
  wsUrl.protocol = httpUrl.protocol === "https:" ? "wss:" : "ws:";

  // Results shown in the result pane when something goes wrong outside GraphQL itself
  // (network, HTTP, WebSocket), so that problems are visible instead of an empty pane.
  function problem(message, extensions) {
    return { errors: [{ message: message, extensions: Object.assign({ source: "graphiql" }, extensions) }] };
  }

  // Parses the text being sent rather than using GraphiQL's opts.documentAST, which is updated 100 ms
  // after the last keystroke and can lag behind a quick Ctrl-Enter.
  function isSubscription(params) {
    var GraphQL = window.GraphiQL.GraphQL;
    var ast;
    try {
      ast = GraphQL.parse(params.query);
    } catch (error) {
      return false; // not valid GraphQL: let the server report the syntax error over HTTP
    }
    // Null when the operation cannot be told (several operations and no name): HTTP reports that too.
    var operation = GraphQL.getOperationAST(ast, params.operationName || undefined);
    return Boolean(operation && operation.operation === "subscription");
  }

  // Queries and mutations: a JSON POST, which Apollo's CSRF prevention lets through.
  async function overHttp(params, opts) {
    var response;
    try {
      response = await fetch(httpUrl.href, {
        method: "POST",
        headers: Object.assign(
          { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
          config.headers,
          opts && opts.headers
        ),
        body: JSON.stringify(params),
        credentials: "same-origin",
      });
    } catch (error) {
      return problem("Could not reach " + httpUrl.href + ": " + (error && error.message ? error.message : error));
    }
    var text = await response.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      return problem("HTTP " + response.status + " " + response.statusText + " from " + httpUrl.href + " is not a GraphQL response.", {
        status: response.status,
        body: text.slice(0, 2000),
      });
    }
  }

  // Subscriptions: graphql-ws over one lazily opened WebSocket (closed when no subscription runs).
  var running = new Set(); // observers of the subscriptions in progress, to tell them about reconnects
  var lastTrouble = "WebSocket connection lost";
  function tellRunning(result) {
    running.forEach(function (observer) { observer.next(result); });
  }
  function describeClose(event) {
    return "WebSocket " + wsUrl.href + " closed (code " + event.code + (event.reason ? ": " + event.reason : "") + ")";
  }
  function isCloseEvent(value) {
    return typeof value === "object" && value !== null && "code" in value && "reason" in value;
  }

  var latestHeaders = Object.assign({}, config.headers);
  var client = window.graphqlWs.createClient({
    url: wsUrl.href,
    lazy: true,
    // The headers (from the headers editor: typically Authorization) go along as connection params,
    // where graphql-ws servers look; read when the socket opens, so a changed token applies on reconnect.
    connectionParams: function () {
      var params = {};
      Object.keys(latestHeaders).forEach(function (name) { params[name.toLowerCase()] = latestHeaders[name]; });
      return params;
    },
    // Keep trying while a subscription runs (its Stop button ends it); each wait is shown in the pane.
    retryAttempts: Infinity,
    // graphql-ws gives up at once on a browser "error" event (what a refused connection produces);
    // retry those too. Close codes it deems fatal (4400 and the like) are still not retried.
    shouldRetry: function (errorOrClose) {
      return isCloseEvent(errorOrClose) || (typeof Event !== "undefined" && errorOrClose instanceof Event);
    },
    // Exponential backoff with jitter, capped: graphql-ws's default has no cap.
    retryWait: function (retries) {
      var delay = Math.min(1000 * Math.pow(2, retries), 15000) + Math.floor(Math.random() * 1000);
      tellRunning(problem(lastTrouble + "; reconnecting in " + Math.round(delay / 1000) + " s (attempt " + (retries + 1) + ")…", { retrying: true }));
      return new Promise(function (resolve) { setTimeout(resolve, delay); });
    },
    on: {
      error: function () { lastTrouble = "WebSocket " + wsUrl.href + " failed (is the server running?)"; },
      closed: function (event) { if (isCloseEvent(event) && event.code !== 1000) lastTrouble = describeClose(event); },
      connected: function (socket, payload, wasRetry) {
        if (wasRetry) tellRunning({ data: null, extensions: { source: "graphiql", notice: "WebSocket reconnected; the subscription was resubscribed and waits for the next event." } });
      },
    },
  });

  // An Observable (GraphiQL subscribes to it and calls unsubscribe on Stop) rather than an async
  // generator: a generator's return() waits for the pending next value, so Stop would not unsubscribe.
  function overWebSocket(params) {
    return {
      subscribe: function (observer) {
        running.add(observer);
        var unsubscribe = client.subscribe(params, {
          next: function (result) { observer.next(result); },
          complete: function () {
            running.delete(observer);
            observer.complete();
          },
          error: function (error) {
            running.delete(observer);
            if (Array.isArray(error)) observer.error(error); // GraphQL errors from the server (shown as { errors })
            else if (isCloseEvent(error)) observer.error([{ message: describeClose(error) }]);
            else if (error instanceof Error) observer.error(error);
            else observer.error([{ message: lastTrouble }]);
          },
        });
        return {
          unsubscribe: function () {
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
  function withCurrentOperationName(params) {
    if (!params.operationName) return params;
    var ast;
    try {
      ast = window.GraphiQL.GraphQL.parse(params.query);
    } catch (error) {
      return params;
    }
    var operations = ast.definitions.filter(function (definition) { return definition.kind === "OperationDefinition"; });
    var named = operations.some(function (operation) { return operation.name && operation.name.value === params.operationName; });
    if (named || operations.length !== 1) return params;
    return Object.assign({}, params, { operationName: operations[0].name ? operations[0].name.value : undefined });
  }

  function fetcher(graphiqlParams, opts) {
    var params = withCurrentOperationName(graphiqlParams);
    latestHeaders = Object.assign({}, config.headers, opts && opts.headers);
    return isSubscription(params) ? overWebSocket(params) : overHttp(params, opts);
  }

  // ?query=…&variables=… open a tab with that operation (handy for links and scripted tests).
  var search = new URLSearchParams(window.location.search);
  var props = { fetcher: fetcher, defaultQuery: config.defaultQuery };
  // Headers the server suggests (the development token) appear in the headers editor, where they can be changed.
  if (Object.keys(config.defaultHeaders).length > 0) props.defaultHeaders = JSON.stringify(config.defaultHeaders, null, 2);
  if (search.has("query")) props.query = search.get("query");
  if (search.has("variables")) props.variables = search.get("variables");

  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
`;

interface GeneratedFile {
  body: string;
  contentType: string;
}
const GENERATED_FILES = new Map<string, GeneratedFile>([
  ["graphiql-page.css", { body: PAGE_CSS, contentType: CSS }],
  ["graphiql-page.js", { body: PAGE_SCRIPT, contentType: JS }],
]);

function shortHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 16);
}

/** The URL of an allow-listed asset, with a query string that changes whenever its content may change. */
function assetUrl(name: string): string {
  const packageFile = PACKAGE_FILES.get(name);
  const version = packageFile ? packageVersion(packageFile.package) : shortHash(GENERATED_FILES.get(name)!.body);
  return `${GRAPHIQL_ASSETS_PATH}/${name}?v=${encodeURIComponent(version)}`;
}

interface LoadedAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Compressed on first use: graphiql.min.js is 3.5 MB, about 0.8 MB gzipped. */
  gzipped?: Promise<Buffer>;
}

const gzip = promisify(gzipCallback);
const loaded = new Map<string, Promise<LoadedAsset>>();

/** Reads (once) an allow-listed asset into memory; undefined when the name is not on the list. */
function loadAsset(name: string): Promise<LoadedAsset> | undefined {
  const packageFile = PACKAGE_FILES.get(name);
  const generated = GENERATED_FILES.get(name);
  if (!packageFile && !generated) return undefined;
  let asset = loaded.get(name);
  if (!asset) {
    asset = (async () => {
      const body = packageFile ? await readFile(join(packageDir(packageFile.package), packageFile.file)) : Buffer.from(generated!.body, "utf8");
      return { body, contentType: (packageFile ?? generated)!.contentType, etag: `"${shortHash(body)}"` };
    })();
    // A failed read (package missing) is not cached, so a fixed install works without a restart.
    asset.catch(() => loaded.delete(name));
    loaded.set(name, asset);
  }
  return asset;
}

export function graphiqlAssets(): Router {
  const router = express.Router();
  // One path segment, looked up in the allow-list Map: "..", encoded slashes or any other name never
  // reach the file system, and there is no directory listing.
  router.get("/:file", async (request: Request, response: Response, next: NextFunction) => {
    const file = request.params.file;
    const pending = typeof file === "string" ? loadAsset(file) : undefined;
    if (!pending) return next();
    const asset = await pending;
    response.set({
      "Content-Type": asset.contentType,
      // URLs carry a version (?v=), so browsers may keep the files for a year without asking again.
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      Vary: "Accept-Encoding",
    });
    if (request.acceptsEncodings("gzip") === "gzip") {
      asset.gzipped ??= gzip(asset.body);
      response.set({ "Content-Encoding": "gzip", ETag: asset.etag.replace(/"$/, '-gz"') });
      response.send(await asset.gzipped); // send() answers 304 itself when If-None-Match matches
    } else {
      response.set("ETag", asset.etag);
      response.send(asset.body);
    }
  });
  return router;
}

const DEFAULT_QUERY = `# kyc-graphql: GraphiQL served by this server (works offline)
#
# The KYC flow. Pick an operation with the ▶ button, or put
# the cursor in one and press Ctrl-Enter.
#
# 1. CreateCustomer: creates the customer at Bond. Put its id
#    in Variables (below): { "customerId": "<id>" }
# 2. KycStatus: subscribes to kycStatusChanged over a
#    WebSocket: the current status, then each change. Run it
#    in a second browser tab to watch while you go on.
# 3. SubmitKyc: sends the KYC data. Bond verifies it
#    asynchronously: SUBMITTED at once, then the outcome
#    (PASSED, FAILED, …) arrives on the subscription.
# 4. Customer: the status and KYC attempts, at any time.

mutation CreateCustomer {
  createCustomer(input: {
    firstName: "Jane", lastName: "Doe", dob: "1990-05-17",
    email: "jane@example.com",
    phone: "555-111-2222", phoneCountryCode: "1",
    addresses: [{
      addressType: PHYSICAL, street: "1 Main St",
      city: "Austin", state: "TX", zipCode: "78701",
      isPrimary: true
    }]
  }) {
    id
    kycStatus
  }
}

subscription KycStatus($customerId: ID!) {
  kycStatusChanged(customerId: $customerId) {
    status
    previousStatus
    event
    occurredAt
    version
  }
}

mutation SubmitKyc($customerId: ID!) {
  submitKyc(input: {
    customerId: $customerId,
    programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
    ssn: "123-45-6789", phone: "555-555-5555",
    phoneCountryCode: "1", email: "jane@example.com",
    ip: "127.1.1.1", idempotencyKey: "signup-jane-1"
  }) {
    id
    status
    ssnLastFour
  }
}

query Customer($customerId: ID!) {
  customer(id: $customerId) {
    kycStatus
    kycStatusAt
    kycPassedAt
    kycDocumentsRequired
    kycAttempts { status ssnLastFour createdAt }
  }
}
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a <script> element: `<` is escaped so no "</script>" or "<!--" can end or
 * alter the element, and U+2028/U+2029 for older parsers; JSON.parse reads the escapes back unchanged.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The HTML page; our Apollo landing-page plugin returns it for GET /graphql from a browser. */
export function graphiqlHtml(options: {
  graphqlPath: string;
  title?: string;
  defaultQuery?: string;
  /** Sent with every request, not shown. */
  headers?: Record<string, string>;
  /** Shown in the headers editor (editable); sent with every request while there. */
  defaultHeaders?: Record<string, string>;
}): string {
  const config = { graphqlPath: options.graphqlPath, defaultQuery: options.defaultQuery ?? DEFAULT_QUERY, headers: options.headers ?? {}, defaultHeaders: options.defaultHeaders ?? {} };
  const stylesheet = (name: string) => `<link rel="stylesheet" href="${escapeHtml(assetUrl(name))}">`;
  const script = (name: string) => `<script src="${escapeHtml(assetUrl(name))}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? "GraphiQL")}</title>
<link rel="icon" href="data:,">
${stylesheet("graphiql.min.css")}
${stylesheet("graphiql-page.css")}
</head>
<body>
<div id="graphiql"><div class="graphiql-loading">Loading GraphiQL…</div></div>
<noscript>GraphiQL needs JavaScript.</noscript>
<script type="application/json" id="graphiql-config">${jsonForScript(config)}</script>
${script("react.production.min.js")}
${script("react-dom.production.min.js")}
${script("graphql-ws.min.js")}
${script("graphiql.min.js")}
${script("graphiql-page.js")}
</body>
</html>
`;
}
