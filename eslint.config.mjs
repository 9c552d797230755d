// ESLint with typescript-eslint's type-aware rules (they read the TypeScript program, so they catch a floating
// promise or an `any` leaking from a library). Prettier owns formatting (eslint-config-prettier turns style rules off).
// The layer rules below keep the shape the README describes: the domain imports no GraphQL, HTTP or SQL; GraphQL
// reaches the database only through the use cases; the Bond sandbox shares nothing with the code it judges.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

const layer = (files, patterns, why) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: patterns, message: why }] }] },
});

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "examples/web/",
      "examples/gql/",
      "test/gql/",
      "drizzle/",
      "test-artifacts/",
      ".data/",
      "**/*.mjs",
      "**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // A `let` a closure reads before its one assignment (a server's address known after listen) stays a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Apollo's and graphql-ws's hooks are async by contract; an `async` hook without an await is their idiom.
      "@typescript-eslint/require-await": "off",
      // A driver's rejection is passed on as it came (callers tell database faults apart by it).
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    // A source file over 300 lines says why at its top (`/* eslint-disable max-lines -- <reason> */`).
    files: ["src/**/*.ts"],
    rules: { "max-lines": ["error", { max: 300 }] },
  },
  layer(
    ["src/domain/**/*.ts"],
    [
      "graphql",
      "type-graphql",
      "express",
      "drizzle-orm",
      "drizzle-orm/*",
      "postgres",
      "@electric-sql/*",
      "**/db/*",
      "**/graphql/*",
      "**/http/*",
      "**/bond/*",
      "**/realtime/*",
    ],
    "the domain is plain TypeScript: no GraphQL, HTTP, SQL or adapters",
  ),
  layer(
    ["src/graphql/**/*.ts"],
    ["drizzle-orm", "drizzle-orm/*", "postgres", "**/db/*"],
    "GraphQL goes through the use cases, never to the database",
  ),
  // The sandbox's route handlers are closures returned by factories (no `this`), passed to Express by reference.
  { files: ["src/bond-sandbox/**/*.ts"], rules: { "@typescript-eslint/unbound-method": "off" } },
  layer(
    ["src/bond-sandbox/**/*.ts"],
    ["**/domain/*", "**/bond/*", "**/kyc/*", "**/graphql/*", "**/db/*"],
    "the sandbox is an independent Bond: it shares nothing with the client or the domain",
  ),
  {
    // Tests and benchmarks read JSON answers as untyped data and assert on them; `any` there is the point.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/require-await": "off",
      // Generated GraphQL enums compared with the literal a server sent: the literal is the point of the check.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
    },
  },
  prettier,
);
