import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The example's dev server: http://localhost:5173 (one of the API's development CORS origins).
// Vite's esbuild compiles the JSX (React's automatic runtime); no plugin needed.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  esbuild: { jsx: "automatic" },
  server: { port: 5173, strictPort: true },
  clearScreen: false,
});
