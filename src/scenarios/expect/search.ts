import { z } from "zod";
import { explainPair } from "../oracle/explain.ts";
import { mapLocated } from "../references.ts";
import { ids, list, many } from "../schema-parts.ts";
import { defineExpectation, indent } from "./expectation.ts";

/** `search`: what a directory user finds when searching the connection (Graph's ACL trimming). */
export const search = defineExpectation({
  schema: many(
    z
      .object({
        as: z.string().describe("The searching person: UPN, Entra mail, site user name or email"),
        query: z.string().default("*"),
        finds: ids.optional(),
        misses: ids.optional(),
      })
      .strict(),
    "SearchExpectation",
  ),
  references: (value, scope, path) =>
    mapLocated(value, path, (q, p) => ({ ...q, as: scope.directoryUser([...p, "as"], q.as) })),
  check(ctx, value) {
    const failures: string[] = [];
    for (const want of list(value)) {
      const result = ctx.world.graph.search(want.as, {
        query: want.query,
        connectionIds: [ctx.connectionId],
        size: 1000,
      });
      const hits = new Set(result.hits.map((h) => h.hitId));
      const what = `search as ${want.as} for ${JSON.stringify(want.query)}`;
      // A failed search carries the explain chain for that user and item.
      for (const id of want.finds ?? []) {
        if (!hits.has(id))
          failures.push(`${what}: does not find ${id}\n${indent(explainPair(ctx, want.as, id))}`);
      }
      for (const id of want.misses ?? []) {
        if (hits.has(id))
          failures.push(`${what}: finds ${id} but should not\n${indent(explainPair(ctx, want.as, id))}`);
      }
    }
    return failures;
  },
});
