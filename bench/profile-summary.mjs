// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and time by package.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length); // µs per sample
const selfByFunction = new Map();
const selfByPackage = new Map();
let total = 0;
for (const node of profile.nodes) {
  const ms = ((node.hitCount ?? 0) * interval) / 1000;
  if (!ms) continue;
  total += ms;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    .replace(/^file:\/\//, "")
    .replace(/.*node_modules\//, "")
    .replace(/.*\/(dist|src)\//, "$1/");
  const key = `${functionName || "(anonymous)"}  ${where}:${lineNumber + 1}`;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + ms);
  const pkg = !url
    ? functionName.startsWith("(")
      ? functionName
      : "(native)"
    : url.includes("node_modules/")
      ? url
          .split("node_modules/")
          .pop()
          .split("/")
          .slice(0, url.includes("node_modules/@") ? 2 : 1)
          .join("/")
      : url.startsWith("node:")
        ? "node core"
        : "our code";
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + ms);
}
const pct = (ms) => `${((100 * ms) / total).toFixed(1)}%`;
console.log(`total sampled: ${(total / 1000).toFixed(1)} s`);
console.log("\nself time by package:");
for (const [pkg, ms] of [...selfByPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(ms).padStart(6)}  ${pkg}`);
console.log("\ntop functions by self time:");
for (const [key, ms] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  console.log(`  ${pct(ms).padStart(6)}  ${key}`);
