import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { buildKycSchema } from "../src/graphql/schema.js";

/** Writes the SDL printed from the type-graphql classes to schema/schema.graphql (checked in; a test fails on drift). */
const schema = await buildKycSchema();
writeFileSync(new URL("../../schema/schema.graphql", import.meta.url), `${printSchema(schema)}\n`);
console.log("schema/schema.graphql written");
