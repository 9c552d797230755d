// Runs the TypeScript sources directly under Node with SWC, which (unlike tsx/esbuild) emits the
// decorator metadata type-graphql reads: `node --import ./scripts/swc-register.mjs src/main.ts`.
// Used by tests that start the server as a real child process, and by bench scripts.
import { register } from "node:module";

register("./swc-loader.mjs", import.meta.url);
