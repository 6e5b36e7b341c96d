import { z } from "zod";
import { entryRef, externalGroupId, normalizeRef } from "../oracle/notation.ts";
import { mapLocated } from "../references.ts";
import { list, many } from "../schema-parts.ts";
import { connectionFor, defineExpectation, show } from "./expectation.ts";

/** `externalGroup`: an external group of the connection exists (or not) with these members. */
export const externalGroup = defineExpectation({
  schema: many(
    z
      .object({
        id: z.string().describe("External group id, or a Confluence group name"),
        members: z.array(z.string()).optional(),
        exists: z.boolean().optional(),
      })
      .strict(),
    "ExternalGroupExpectation",
  ),
  references: (value, scope, path) =>
    mapLocated(value, path, (want, p) => ({
      ...want,
      members: want.members?.map((m, i) =>
        scope.aclEntry([...p, "members", i], m.includes(":") ? m : `user:${m}`),
      ),
    })),
  check(ctx, value) {
    const failures: string[] = [];
    const { world } = ctx;
    const wants = list(value);
    const conn = wants.length ? connectionFor(ctx, "externalGroup", failures) : undefined;
    if (!conn) return failures;
    for (const want of wants) {
      const id = externalGroupId(world, want.id);
      const group = conn.groups.get(id);
      if (want.exists === false) {
        if (group) failures.push(`externalGroup ${want.id}: exists (${id}) but should not`);
        continue;
      }
      if (!group) {
        failures.push(`externalGroup ${want.id}: no external group ${id}`);
        continue;
      }
      if (want.members) {
        const actual = new Set(
          [...group.members.values()].map((m) =>
            entryRef(world, { type: m.type === "user" ? "user" : m.type, value: m.id, accessType: "grant" }),
          ),
        );
        const wanted = new Set(
          want.members.map((r) => normalizeRef(world, r.includes(":") ? r : `user:${r}`)),
        );
        if ([...wanted].some((m) => !actual.has(m)) || [...actual].some((m) => !wanted.has(m)))
          failures.push(`externalGroup ${want.id}: members are ${show(actual)}, expected ${show(wanted)}`);
      }
    }
    return failures;
  },
});
