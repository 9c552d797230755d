import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The embedded sandbox stands for Bond, a third party: it must be an independent implementation of
 * Bond's documented contract, sharing no code with our client (src/bond) or our domain (src/domain),
 * or a mistake in either would be copied into the sandbox and no test could see it. This walks the
 * import graph from every file in src/bond-sandbox and fails on any import that leaves that folder
 * (packages such as express, zod and node: built-ins are fine).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const sandboxDir = join(root, "src/bond-sandbox");

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function resolveLocal(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target.replace(/\.js$/, ".ts"), target, `${target}.ts`, join(target, "index.ts")]) {
    if (existsSync(candidate) && candidate.endsWith(".ts")) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${relative(root, from)}`);
}

/** Every (file, import) pair reachable from the sandbox's files. */
function walk(): { files: string[]; outside: string[] } {
  const seen = new Set<string>();
  const outside: string[] = [];
  const queue = readdirSync(sandboxDir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(sandboxDir, name));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith(".") && !specifier.startsWith("/")) continue; // a package or a node: built-in
      const target = resolveLocal(file, specifier);
      if (!target.startsWith(sandboxDir + "/")) outside.push(`${relative(root, file)} imports ${relative(root, target)}`);
      queue.push(target);
    }
  }
  return { files: [...seen].map((file) => relative(root, file)).sort(), outside };
}

describe("the embedded Bond sandbox is an independent implementation", () => {
  it("imports nothing outside src/bond-sandbox (no client, domain, GraphQL, database or app code)", () => {
    const { files, outside } = walk();
    expect(files).toEqual(
      expect.arrayContaining([
        "src/bond-sandbox/bond-sandbox.ts",
        "src/bond-sandbox/customers.ts",
        "src/bond-sandbox/kyc.ts",
        "src/bond-sandbox/replies.ts",
        "src/bond-sandbox/webhook-subscriptions.ts",
        "src/bond-sandbox/schemas.ts",
        "src/bond-sandbox/signing.ts",
        "src/bond-sandbox/webhooks.ts",
      ]),
    );
    expect(outside).toEqual([]);
  });

  it("the walk would see such an import (the check can fail)", () => {
    expect(importsOf(join(root, "src/app.ts"))).toContain("./bond-sandbox/bond-sandbox.js");
    expect(importsOf(join(root, "src/bond-sandbox/webhooks.ts"))).toContain("./signing.js");
  });
});
