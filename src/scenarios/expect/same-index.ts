import { z } from "zod";
import { digestDifferences, indexDigest } from "../index-digest.ts";
import { defineExpectation, indent } from "./expectation.ts";

/**
 * `sameIndexAsFaultFree: true`: the index equals the one the same steps leave with no fault plan,
 * no kills and no crawl expected to fail — items (ACL, properties, content), external groups and
 * their members (fault-free.ts runs that comparison run on a world of its own).
 */
export const sameIndexAsFaultFree = defineExpectation({
  schema: z
    .literal(true)
    .describe(
      "The index equals a fault-free run of the same steps (items, ACLs, properties, content, external groups and members)",
    ),
  async check(ctx) {
    const expected = await ctx.faultFreeIndex(ctx.step);
    const differences = digestDifferences(expected, indexDigest(ctx.world, ctx.connectionId));
    if (differences.length === 0) return [];
    return [
      `sameIndexAsFaultFree: the index differs from a fault-free run of the same steps (${expected.items.size} items, ${expected.groups.size} external groups):\n${indent(differences)}`,
    ];
  },
});
