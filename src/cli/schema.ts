import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { JSON_SCHEMA_KINDS, type JsonSchemaKind, jsonSchemaText } from "../scenarios/json-schema.ts";
import { UsageError } from "./errors.ts";

export function registerSchema(program: Command): void {
  const kinds = Object.keys(JSON_SCHEMA_KINDS);
  program
    .command("schema")
    .description(
      "print the JSON Schema of scenario files (or site, directory, generator files, capture index snapshots)",
    )
    .argument("[kind]", kinds.join(" | "), "scenario")
    .option("--write <dir>", "write every schema as <kind>.schema.json into this directory")
    .action((kind: string, options: { write?: string }) => {
      if (options.write) {
        for (const k of kinds)
          writeFileSync(join(options.write, `${k}.schema.json`), jsonSchemaText(k as JsonSchemaKind));
        return;
      }
      if (!kinds.includes(kind))
        throw new UsageError(`unknown schema "${kind}" (one of ${kinds.join(", ")})`);
      process.stdout.write(jsonSchemaText(kind as JsonSchemaKind));
    });
}
