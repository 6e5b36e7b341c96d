import { z } from "zod";
import { indexSnapshotSchema } from "../capture/snapshot.ts";
import { directoryFileSchema } from "../fixture-formats/directory-schema.ts";
import { generatorSpecSchema } from "../fixture-formats/generator.ts";
import { siteFileSchema } from "../fixture-formats/site-schema.ts";
import { scenarioSchema } from "./schema.ts";

/** The JSON Schemas committed under schemas/ (editors autocomplete YAML files with them). */
export const JSON_SCHEMA_KINDS = {
  scenario: scenarioSchema,
  site: siteFileSchema,
  directory: directoryFileSchema,
  generator: z.object({ generator: generatorSpecSchema }).strict(),
  index: indexSnapshotSchema,
} as const;

export type JsonSchemaKind = keyof typeof JSON_SCHEMA_KINDS;

export function jsonSchema(kind: JsonSchemaKind): Record<string, unknown> {
  const schema = z.toJSONSchema(JSON_SCHEMA_KINDS[kind], { io: "input", unrepresentable: "any" });
  return { ...schema, $id: `https://cgsim.dev/schemas/${kind}.schema.json`, title: `cgsim ${kind} file` };
}

/** Stable text for the committed file (2-space JSON, trailing newline). */
export function jsonSchemaText(kind: JsonSchemaKind): string {
  return `${JSON.stringify(jsonSchema(kind), null, 2)}\n`;
}
