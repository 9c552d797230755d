import { readFileSync } from "node:fs";
import { printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { buildKycSchema } from "../../src/graphql/schema.js";

describe("schema/schema.graphql", () => {
  it("is the SDL the type-graphql classes emit (run `npm run schema:emit` after changing them)", async () => {
    const emitted = `${printSchema(await buildKycSchema())}\n`;
    expect(readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8")).toBe(emitted);
  });
});
