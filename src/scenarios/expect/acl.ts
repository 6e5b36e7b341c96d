import { z } from "zod";
import { entryRef, normalizeRef } from "../oracle/notation.ts";
import { mapLocated } from "../references.ts";
import { contentId, list, many } from "../schema-parts.ts";
import { checkIndexedItems, defineExpectation, show } from "./expectation.ts";

/** ACL entry notation: `user:alice@contoso.com`, `group:<entra id or name>`, `xg:eng`, `everyone`, … */
const aclRef = z.string().min(1);

/** `acl`: an indexed item's ACL entries, or the directory users it grants (its audience). */
export const acl = defineExpectation({
  schema: many(
    z
      .object({
        item: contentId,
        grant: z.array(aclRef).optional(),
        deny: z.array(aclRef).optional(),
        exact: z.boolean().optional().describe("true: no other entries (default true)"),
        audience: z
          .array(z.string())
          .optional()
          .describe("Exactly these people are granted (UPN, Entra mail, site user name or email)"),
      })
      .strict(),
    "AclExpectation",
  ),
  references: (value, scope, path) =>
    mapLocated(value, path, (want, p) => {
      const entries = (kind: "grant" | "deny") =>
        want[kind]?.map((r, i) => scope.aclEntry([...p, kind, i], r));
      return {
        ...want,
        grant: entries("grant"),
        deny: entries("deny"),
        audience: scope.directoryUsers([...p, "audience"], want.audience),
      };
    }),
  check(ctx, value) {
    const { world, connectionId } = ctx;
    return checkIndexedItems(
      ctx,
      "acl",
      list(value),
      (want) => want.item,
      (want, found) => {
        const failures: string[] = [];
        const actual = {
          grant: new Set(found.acl.filter((a) => a.accessType === "grant").map((a) => entryRef(world, a))),
          deny: new Set(found.acl.filter((a) => a.accessType === "deny").map((a) => entryRef(world, a))),
        };
        if (want.audience) {
          const actualUsers = [...world.directory.users.values()]
            .filter((u) => u.accountEnabled && world.graph.canAccess(u.id, connectionId, want.item))
            .map((u) => u.userPrincipalName.toLowerCase())
            .sort();
          const wanted = want.audience.map((u) => normalizeRef(world, `user:${u}`).slice(5));
          const missing = wanted.filter((u) => !actualUsers.includes(u));
          const extra = actualUsers.filter((u) => !wanted.includes(u));
          if (missing.length || extra.length)
            failures.push(
              `acl ${want.item}: grants ${show(actualUsers)}, expected ${show(wanted)}` +
                (missing.length ? `; missing ${show(missing)}` : "") +
                (extra.length ? `; unexpected ${show(extra)}` : ""),
            );
        }
        for (const kind of ["grant", "deny"] as const) {
          const expected = want[kind];
          if (expected === undefined) continue;
          const wanted = new Set(expected.map((r) => normalizeRef(world, r)));
          const missing = [...wanted].filter((r) => !actual[kind].has(r));
          const extra = [...actual[kind]].filter((r) => !wanted.has(r));
          if (missing.length || (want.exact !== false && extra.length)) {
            failures.push(
              `acl ${want.item}: ${kind} is ${show(actual[kind])}, expected ${show(wanted)}` +
                (missing.length ? `; missing ${show(missing)}` : "") +
                (want.exact !== false && extra.length ? `; unexpected ${show(extra)}` : ""),
            );
          }
        }
        return failures;
      },
    );
  },
});
