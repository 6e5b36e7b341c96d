import { z } from "zod";
import { directoryFileSchema } from "../fixture-formats/directory-schema.ts";
import { generatorSpecSchema } from "../fixture-formats/generator.ts";
import { siteFileSchema } from "../fixture-formats/site-schema.ts";
import { connectorSchema } from "./connector-settings.ts";
import { faultsStepSchema } from "./steps/faults.ts";
import { stepSchema } from "./steps/registry.ts";

/**
 * The scenario file format. One zod schema is the source of truth for the loader, the exported
 * JSON Schema (schemas/scenario.schema.json, `cgsim schema`) and docs/scenario-reference.md. The
 * steps (and the keys of `expect`) come from their registries: steps/registry.ts,
 * expect/registry.ts.
 */

const siteSourceSchema = z
  .union([
    z
      .string()
      .describe(
        "A bundled site or generator by name (contoso, small, medium), or the path of a site file, generator spec file or capture directory, relative to the scenario",
      ),
    z
      .object({
        generator: z.union([
          z
            .string()
            .describe("A bundled generator spec by name (small, medium), or a path relative to the scenario"),
          generatorSpecSchema,
        ]),
      })
      .strict()
      .describe("A generator spec (seeded by `seed`)"),
    siteFileSchema.describe("An inline site"),
  ])
  .describe("The Confluence site; default: the bundled contoso fixture");

const directorySourceSchema = z
  .union([
    z
      .string()
      .describe(
        "A bundled directory by name (contoso), or the path of a directory file, relative to the scenario",
      ),
    directoryFileSchema,
  ])
  .describe("The Entra directory; default: the bundled contoso directory (or the generated one)");

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    seed: z.number().int().optional().describe("Seeds generators, fault plans and the connector's jitter"),
    start: z.iso.datetime({ offset: true }).optional().describe("Simulated start time"),
    site: siteSourceSchema.optional(),
    directory: directorySourceSchema.optional(),
    connector: connectorSchema.optional(),
    transport: z.enum(["direct", "msw", "http"]).optional().describe("How the connector reaches the twins"),
    graph: z
      .object({
        itemsPerConnection: z.number().int().min(0).optional(),
        itemsPerTenant: z.number().int().min(0).optional(),
        ingestionItemsPerSecond: z.number().min(0).optional(),
        schemaProvisioningMs: z.number().int().min(0).optional(),
        strictODataTypes: z
          .boolean()
          .optional()
          .describe(
            'Refuse non-ASCII strings without `"String"` annotation (default: accept, with a journal note)',
          ),
      })
      .strict()
      .optional()
      .describe("Graph twin settings"),
    faults: faultsStepSchema.optional().describe("Fault plan from the start"),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
