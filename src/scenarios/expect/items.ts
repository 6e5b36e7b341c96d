import { z } from "zod";
import { ids } from "../schema-parts.ts";
import { connectionFor, defineExpectation, show } from "./expectation.ts";

/** `items`: which items the index holds. */
export const items = defineExpectation({
  schema: z
    .object({
      count: z.number().int().min(0).optional(),
      include: ids.optional(),
      exclude: ids.optional(),
    })
    .strict(),
  check(ctx, want) {
    const failures: string[] = [];
    const conn = connectionFor(ctx, "items", failures);
    if (!conn) return failures;
    const indexed = new Set(conn.items.keys());
    if (want.count !== undefined && indexed.size !== want.count)
      failures.push(`items: ${indexed.size} in the index, expected ${want.count}`);
    const missing = (want.include ?? []).filter((id) => !indexed.has(id));
    if (missing.length) failures.push(`items: missing ${show(missing)}`);
    const present = (want.exclude ?? []).filter((id) => indexed.has(id));
    if (present.length) failures.push(`items: should not be indexed ${show(present)}`);
    return failures;
  },
});
