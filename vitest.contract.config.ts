import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// `npm run test:contract`: our Bond client's calls and the webhook path against any Bond. BOND_API_URL
// (+ BOND_IDENTITY, BOND_AUTHORIZATION) picks a real one; unset, the suite starts an embedded sandbox.
// The same transform as vitest.config.ts (SWC, decorator metadata), but only test/contract/*.contract.ts.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  plugins: [
    swc.vite({ jsc: { target: "es2022", transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false } } }),
  ],
  test: {
    include: ["test/contract/*.contract.ts"],
    setupFiles: ["reflect-metadata"],
    // One Bond, one sequence of calls; Bond's real sandbox may be slow.
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
