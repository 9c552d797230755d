import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { optionalDependencies?: Record<string, string>; version?: string }>;
};
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };

describe("a fresh clone installs without rewriting package-lock.json", () => {
  it("the lock lists every optional (platform) dependency of every locked package, so npm install has nothing to add", () => {
    // What once made `npm install` rewrite the lock: @swc/core's darwin/win32/… builds were missing from it.
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm resolves a dependency next to its dependent first, then in each parent node_modules up to the root.
        const candidates: string[] = [];
        for (let base = path; ; base = base.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
          candidates.push(base ? `${base}/node_modules/${name}` : `node_modules/${name}`);
          if (!base) break;
        }
        if (!candidates.some((candidate) => candidate in lock.packages)) missing.push(`${path || "(root)"} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every runtime package accepts the Node versions package.json promises, and the README states the same minimum", () => {
    const output = execFileSync(process.execPath, [join(ROOT, "scripts/check-engines.mjs")], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toMatch(/^engines ok: the \d+ runtime packages accept node /m);
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`Requires Node.js ≥ ${semver.minVersion(manifest.engines.node)!.version.replace(/\.0$/, "")}`);
  });
});
