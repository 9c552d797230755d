// `npm run build` and `npm start`'s build step. tsc takes seconds even when nothing changed, so the build
// records a hash of its inputs (sources, configs, the lock file) in dist/ and `--if-stale` skips tsc when
// the hash still matches: `npm start` after `npm start` goes straight to the server. tsc itself runs
// incrementally (tsBuildInfoFile in dist/), so a build after a small change is quick too.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stampFile = join(root, "dist", ".build-inputs");
const inputs = ["src", "scripts", "bench", "drizzle", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) yield* files(join(path, entry));
  } else {
    yield path;
  }
}

function inputsHash() {
  const hash = createHash("sha256");
  for (const input of inputs)
    for (const file of files(join(root, input))) hash.update(`\0${relative(root, file)}\0`).update(readFileSync(file));
  return hash.digest("hex");
}

const hash = inputsHash();
if (
  process.argv.includes("--if-stale") &&
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8") === hash &&
  existsSync(join(root, "dist", "src", "main.js"))
) {
  process.exit(0);
}
const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(stampFile, hash);
