import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** File in DATA_DIR holding AUTH_DEV_MODE's HS256 signing secret. */
export const DEV_SIGNING_KEY_FILE = "dev-jwt.key";

/**
 * AUTH_DEV_MODE's signing secret (development only; config refuses dev mode in production): kept in the data
 * directory (created 0600) so tokens printed by `npm run token` or at start keep working across restarts, or
 * random for an in-memory run (`dataDir` null).
 */
export function developmentSigningSecret(dataDir: string | null): { secret: string; source: string } {
  if (dataDir === null) return { secret: randomBytes(48).toString("base64url"), source: "a random in-memory key" };
  const file = join(dataDir, DEV_SIGNING_KEY_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return { secret, source: file };
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, source: `${file} (new)` };
}
