import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// esbuild (vitest's default transform) drops decorator metadata, which type-graphql needs to read
// field and argument types; SWC emits it, so tests run the same classes the build does.
export default defineConfig({
  // graphql ships both index.mjs (which Vite would pick) and index.js (which Node picks for the libraries
  // Vitest leaves external, like type-graphql and graphql-ws); two copies break `instanceof`, so use one.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  plugins: [
    swc.vite({ jsc: { target: "es2022", transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false } } }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["reflect-metadata"],
    globalSetup: ["test/support/build-once.ts"],
    // Generous: CI shares a loaded machine; tests wait for conditions (up to 30 s each), never for fixed times.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file starts its own app (own database); two cores, so two workers.
    maxWorkers: 2,
  },
});
