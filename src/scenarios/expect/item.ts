import { z } from "zod";
import { contentId, list, many } from "../schema-parts.ts";
import { jsonMismatch } from "../steps/json-template.ts";
import { checkIndexedItems, defineExpectation } from "./expectation.ts";

/** `item`: what one indexed item holds (properties, content). */
export const item = defineExpectation({
  schema: many(
    z
      .object({
        id: contentId,
        properties: z
          .record(z.string(), z.unknown())
          .optional()
          .describe("Properties the item must have, matched like a graph request's `response`"),
        content: z.string().optional().describe("Substring the indexed content must contain"),
      })
      .strict(),
    "ItemExpectation",
  ),
  check: (ctx, value) =>
    checkIndexedItems(
      ctx,
      "item",
      list(value),
      (want) => want.id,
      (want, found) => {
        const failures: string[] = [];
        for (const [key, expected] of Object.entries(want.properties ?? {})) {
          const mismatch = jsonMismatch(found.properties[key], expected, `property ${key}`);
          if (mismatch) failures.push(`item ${want.id}: ${mismatch}`);
        }
        if (want.content !== undefined && !(found.content?.value ?? "").includes(want.content))
          failures.push(`item ${want.id}: content does not contain ${JSON.stringify(want.content)}`);
        return failures;
      },
    ),
});
