import { z } from "zod";
import { located } from "../references.ts";
import { contentId, list, many } from "../schema-parts.ts";
import { defineExpectation } from "./expectation.ts";

/** `content`: the Confluence twin's state of a page or blog post (status, title, parent, space). */
export const content = defineExpectation({
  schema: many(
    z
      .object({
        id: contentId,
        status: z.enum(["current", "archived", "trashed", "draft", "deleted", "purged"]).optional(),
        title: z.string().optional(),
        parent: contentId.nullable().optional(),
        space: z.string().optional(),
      })
      .strict(),
    "ContentExpectation",
  ).describe("Confluence twin state of a page or blog post"),
  references(value, scope, path) {
    for (const [c, p] of located(value, path)) scope.content([...p, "id"], c.id);
  },
  check(ctx, value) {
    const failures: string[] = [];
    const { store } = ctx.world.confluence;
    for (const want of list(value)) {
      const c = store.content.get(want.id);
      if (!c) {
        if (want.status !== "purged") failures.push(`content ${want.id}: does not exist`);
        continue;
      }
      if (want.status !== undefined && c.status !== want.status)
        failures.push(`content ${want.id}: status is ${c.status}, expected ${want.status}`);
      if (want.title !== undefined && c.title !== want.title)
        failures.push(
          `content ${want.id}: title is ${JSON.stringify(c.title)}, expected ${JSON.stringify(want.title)}`,
        );
      if (want.parent !== undefined && c.parentId !== want.parent)
        failures.push(
          `content ${want.id}: parent is ${c.parentId ?? "none"}, expected ${want.parent ?? "none"}`,
        );
      if (want.space !== undefined) {
        const key = store.spaces.get(c.spaceId)?.key;
        if (key?.toLowerCase() !== want.space.toLowerCase())
          failures.push(`content ${want.id}: in space ${key}, expected ${want.space}`);
      }
    }
    return failures;
  },
});
