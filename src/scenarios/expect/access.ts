import { z } from "zod";
import { AccessEvaluator } from "../../simulators/confluence/permissions.ts";
import { mapLocated } from "../references.ts";
import { ids, list, many } from "../schema-parts.ts";
import { defineExpectation, indent } from "./expectation.ts";

/** `access`: the truth side — what the Confluence twin lets a user view, with its reasons. */
export const access = defineExpectation({
  schema: many(
    z
      .object({
        as: z.string().describe("The person: site user name, email or UPN"),
        views: ids.optional(),
        cannotView: ids.optional(),
      })
      .strict(),
    "AccessExpectation",
  ).describe("Truth: what the Confluence twin lets the user view"),
  references: (value, scope, path) =>
    mapLocated(value, path, (a, p) => {
      for (const k of ["views", "cannotView"] as const)
        for (const [i, id] of (a[k] ?? []).entries()) scope.content([...p, k, i], id);
      return { ...a, as: scope.confluenceUser([...p, "as"], a.as) };
    }),
  check(ctx, value) {
    const failures: string[] = [];
    const { store } = ctx.world.confluence;
    for (const want of list(value)) {
      const accountId = ctx.names.user(want.as);
      const evaluator = new AccessEvaluator(store, { type: "user", accountId });
      for (const [contentIds, expected] of [
        [want.views ?? [], true],
        [want.cannotView ?? [], false],
      ] as const) {
        for (const id of contentIds) {
          const content = store.content.get(id);
          if (!content) {
            failures.push(`access: no content ${id}`);
            continue;
          }
          const decision = evaluator.explain(content);
          if (decision.allowed !== expected)
            failures.push(
              `access: ${want.as} ${decision.allowed ? "can" : "cannot"} view ${id} "${content.title}"\n${indent(decision.reasons.map((r) => `${r.ok ? "✓" : "✗"} ${r.check}: ${r.detail}`))}`,
            );
        }
      }
    }
    return failures;
  },
});
