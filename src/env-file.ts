import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Reads an optional `.env` file into `target` (by default `process.env`) before the configuration is
 * parsed. Variables already set in the environment win: the file only fills in what is missing, so a
 * deployment's real settings can never be overridden by a file left in the working directory.
 * Node's own parser (`util.parseEnv`, the one behind `node --env-file`) reads it; no dependency needed.
 */
export function loadEnvFile(
  path = ".env",
  target: Record<string, string | undefined> = process.env,
): { loaded: boolean; applied: string[] } {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { loaded: false, applied: [] };
    throw error;
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(content))) {
    if (value === undefined || target[name] !== undefined) continue;
    target[name] = value;
    applied.push(name);
  }
  return { loaded: true, applied };
}
