import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { JsonSchemaKind } from "../scenarios/json-schema.ts";
import { UsageError } from "./errors.ts";

/**
 * The kinds `cgsim schema` prints, named here so that `--help` does not build every zod schema;
 * the check below fails to compile when this list and JSON_SCHEMA_KINDS differ.
 */
const SCHEMA_KINDS = ["scenario", "site", "directory", "generator", "index"] as const;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: SameKeys<(typeof SCHEMA_KINDS)[number], JsonSchemaKind> = true;

export function registerSchema(program: Command): void {
  const kinds: readonly string[] = kindsMatch ? SCHEMA_KINDS : [];
  program
    .command("schema")
    .description(
      "print the JSON Schema of scenario files (or site, directory, generator files, capture index snapshots)",
    )
    .argument("[kind]", kinds.join(" | "), "scenario")
    .option("--write <dir>", "write every schema as <kind>.schema.json into this directory")
    .action(async (kind: string, options: { write?: string }) => {
      if (!options.write && !kinds.includes(kind))
        throw new UsageError(`unknown schema "${kind}" (one of ${kinds.join(", ")})`);
      const { jsonSchemaText } = await import("../scenarios/json-schema.ts");
      if (options.write) {
        for (const k of kinds)
          writeFileSync(join(options.write, `${k}.schema.json`), jsonSchemaText(k as JsonSchemaKind));
        return;
      }
      process.stdout.write(jsonSchemaText(kind as JsonSchemaKind));
    });
}
