#!/usr/bin/env node
// Checks that the Node versions this project promises (package.json "engines.node", which the README repeats)
// are accepted by every installed package the server runs with: each runtime package's own engines.node range
// must contain ours. Development-only packages (codegen, vitest, drizzle-kit and what they pull in) are listed
// too, as warnings: they run on our Node but some declare newer ones. Run after `npm install` (CI does);
// exits 1 naming each runtime package that wants a newer (or other) Node.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import semver from "semver";

const root = resolve(import.meta.dirname, "..");
const project = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const ours = project.engines?.node;
if (!ours || !semver.validRange(ours)) {
  console.error(`package.json engines.node is missing or not a semver range: ${ours}`);
  process.exit(1);
}

// The README states the same minimum: "Requires Node.js ≥ X".
const readme = readFileSync(join(root, "README.md"), "utf8");
const stated = /Requires Node\.js ≥ ?(\d+(?:\.\d+){0,2})/.exec(readme)?.[1];
const minimum = semver.minVersion(ours).version;
const problems = [];
if (!stated) problems.push('README.md does not say "Requires Node.js ≥ X"');
else if (semver.coerce(stated).version !== minimum)
  problems.push(`README.md says Node.js ≥ ${stated} but package.json engines.node is ${ours} (minimum ${minimum})`);

/** Every package.json under node_modules (scoped and nested ones included). */
function* installedPackages(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith("@")) {
      yield* installedPackages(path);
      continue;
    }
    const manifest = join(path, "package.json");
    if (existsSync(manifest)) yield { path, manifest };
    yield* installedPackages(join(path, "node_modules"));
  }
}

// The runtime set: what `npm ls --omit=dev` lists (paths of installed package folders).
const runtime = new Set(
  execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean),
);
const devWarnings = [];
let checked = 0;
for (const { path, manifest } of installedPackages(join(root, "node_modules"))) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(manifest, "utf8"));
  } catch {
    continue;
  }
  const wanted = typeof pkg.engines === "object" && pkg.engines ? pkg.engines.node : undefined;
  checked += 1;
  if (typeof wanted !== "string" || !semver.validRange(wanted)) continue;
  // Our range must lie inside theirs: every Node we promise must be one they accept.
  if (!semver.subset(ours, wanted, { includePrerelease: false })) {
    const line = `${pkg.name}@${pkg.version} (${path.slice(root.length + 1)}) wants node ${wanted}, but we promise ${ours}`;
    (runtime.has(path) ? problems : devWarnings).push(line);
  }
}
if (devWarnings.length > 0)
  console.warn(
    `development-only packages that declare another Node (warning only):\n${devWarnings.map((line) => `  - ${line}`).join("\n")}`,
  );

if (problems.length > 0) {
  console.error(`Node version check failed (${checked} packages read):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  process.exit(1);
}
console.log(`engines ok: the ${runtime.size - 1} runtime packages accept node ${ours} (${checked} packages read)`);
