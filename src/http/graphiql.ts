import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { DEFAULT_QUERY } from "./graphiql/default-query.js";
import { graphiqlPageScript, type GraphiQLPageConfig } from "./graphiql/page-script.js";

/**
 * GraphiQL served entirely by this server: the machine running the API (or the browser using it)
 * may have no internet access, and Apollo's default landing page loads Apollo Sandbox from a CDN.
 *
 * The page is plain HTML plus same-origin files only: the GraphiQL (JS and CSS), React, ReactDOM and
 * graphql-ws UMD bundles from node_modules, and two small files generated here (the page's CSS and the
 * script that builds the fetcher and renders GraphiQL, written in graphiql/page-script.ts). Its settings travel in a JSON data block, so the page
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
    version = (require(`${name}/package.json`) as { version?: string }).version ?? "0";
    versions.set(name, version);
  }
  return version;
}

/** CSS that lets GraphiQL fill the window (it sizes itself to its parent). */
const PAGE_CSS = `html, body, #graphiql { height: 100%; margin: 0; }
#graphiql > .graphiql-loading { padding: 1rem; font-family: system-ui, sans-serif; }
`;

/**
 * The page's own script, from the type-checked browser function in graphiql/page-script.ts: its compiled
 * source (tsc's in dist/, SWC's under vitest), called at once. It reads its settings from #graphiql-config.
 */
const PAGE_SCRIPT = `(${graphiqlPageScript.toString()})();
`;

interface GeneratedFile {
  body: string;
  contentType: string;
}
const GENERATED_FILES = new Map<string, GeneratedFile>([
  ["graphiql-page.css", { body: PAGE_CSS, contentType: CSS }],
  ["graphiql-page.js", { body: PAGE_SCRIPT, contentType: JS }],
]);

/** Hex digits of a SHA-256 kept for ETags and ?v=: 64 bits, plenty to tell versions of a few files apart. */
const SHORT_HASH_LENGTH = 16;
/** Asset URLs carry a version (?v=), so browsers may keep the files for the longest lifetime HTTP caches honour: a year. */
const ASSET_MAX_AGE_SECONDS = 365 * 24 * 3600;

function shortHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex").slice(0, SHORT_HASH_LENGTH);
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
      const body = packageFile
        ? await readFile(join(packageDir(packageFile.package), packageFile.file))
        : Buffer.from(generated!.body, "utf8");
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
      "Cache-Control": `public, max-age=${ASSET_MAX_AGE_SECONDS}, immutable`,
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a <script> element: `<` is escaped so no "</script>" or "<!--" can end or
 * alter the element, and U+2028/U+2029 for older parsers; JSON.parse reads the escapes back unchanged.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
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
  const config: GraphiQLPageConfig = {
    graphqlPath: options.graphqlPath,
    defaultQuery: options.defaultQuery ?? DEFAULT_QUERY,
    headers: options.headers ?? {},
    defaultHeaders: options.defaultHeaders ?? {},
  };
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
