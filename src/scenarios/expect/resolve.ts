import { z } from "zod";
import { contentId, list, many } from "../schema-parts.ts";
import { defineExpectation } from "./expectation.ts";

/** `resolve`: the item a Confluence URL resolves to through the connection's URL resolvers. */
export const resolve = defineExpectation({
  schema: many(z.object({ url: z.string(), to: contentId.nullable() }).strict(), "ResolveExpectation"),
  check(ctx, value) {
    const failures: string[] = [];
    for (const want of list(value)) {
      const actual = ctx.world.graph.resolveUrl(ctx.connectionId, want.url)?.itemId ?? null;
      if (actual !== want.to)
        failures.push(
          `resolve ${want.url}: ${actual === null ? "unresolved" : `→ ${actual}`}, expected ${want.to ?? "unresolved"}`,
        );
    }
    return failures;
  },
});
