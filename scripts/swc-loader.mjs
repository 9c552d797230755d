// Node module hooks for scripts/swc-register.mjs: resolve `./x.js` to `./x.ts` when only the source
// exists (our imports name the compiled files), and compile .ts with the same SWC options as vitest.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import swc from "@swc/core";

export async function resolve(specifier, context, nextResolve) {
  if ((specifier.startsWith(".") || specifier.startsWith("file:")) && specifier.endsWith(".js") && context.parentURL?.startsWith("file:")) {
    const url = new URL(specifier, context.parentURL);
    const tsUrl = new URL(url.href.replace(/\.js$/, ".ts"));
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(tsUrl))) return nextResolve(tsUrl.href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, "utf8");
  const { code } = await swc.transform(source, {
    filename,
    sourceMaps: "inline",
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      target: "es2022",
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: "es6" },
  });
  return { format: "module", source: code, shortCircuit: true };
}
