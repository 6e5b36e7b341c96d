import { z } from "zod";
import { stableUuid } from "../../../simulators/confluence/seed.ts";
import { contentId, principal } from "../../schema-parts.ts";
import { defineChange } from "../step-module.ts";

/** Confluence changes of who may view what: restrictions, group membership, space and site access. */

export const restrict = defineChange({
  schema: z
    .object({ page: contentId, read: z.array(principal).optional(), update: z.array(principal).optional() })
    .strict(),
  changesPermissions: true,
  references(c, scope, path) {
    scope.content([...path, "page"], c.page);
    return {
      ...c,
      read: scope.principals([...path, "read"], c.read),
      update: scope.principals([...path, "update"], c.update),
    };
  },
  apply({ names }, { page, read, update }) {
    if (read) names.store.setRestriction(page, "read", names.restriction(read));
    if (update) names.store.setRestriction(page, "update", names.restriction(update));
    return `restricted ${page}`;
  },
});

export const unrestrict = defineChange({
  schema: z.object({ page: contentId, operation: z.enum(["read", "update", "all"]).optional() }).strict(),
  changesPermissions: true,
  references: (c, scope, path) => scope.content([...path, "page"], c.page),
  apply({ names }, c) {
    const op = c.operation ?? "all";
    for (const o of op === "all" ? (["read", "update"] as const) : [op])
      names.store.setRestriction(c.page, o, null);
    return `removed ${op} restrictions from ${c.page}`;
  },
});

export const group = defineChange({
  schema: z
    .object({
      name: z.string(),
      create: z.boolean().optional(),
      add: z.array(z.string()).optional(),
      remove: z.array(z.string()).optional(),
    })
    .strict()
    .describe("Group membership: add/remove users (create: true makes the group first)"),
  changesPermissions: true,
  references(g, scope, path) {
    scope.group([...path, "name"], g.name, g.create);
    const users = (op: "add" | "remove") => g[op]?.map((u, i) => scope.confluenceUser([...path, op, i], u));
    return { ...g, add: users("add"), remove: users("remove") };
  },
  apply({ names }, g) {
    const { store } = names;
    if (g.create && !store.groupByName(g.name)) {
      store.addGroup({ id: stableUuid("group", g.name), name: g.name, members: new Set() });
    }
    const found = store.requireGroup(g.name);
    for (const u of g.add ?? []) store.addGroupMember(found.id, names.user(u));
    for (const u of g.remove ?? []) store.removeGroupMember(found.id, names.user(u));
    return `group ${g.name}: +${(g.add ?? []).length} −${(g.remove ?? []).length}`;
  },
});

export const renameGroup = defineChange({
  schema: z
    .object({ group: z.string().min(1), to: z.string().min(1) })
    .strict()
    .describe("Rename a group: its id, members and grants stay (only the name changes)"),
  // No one's access changes (grants refer to the group id), but a connector that keys external
  // groups by name loses or mixes them up: recorded so the oracle expects staleness until a crawl.
  changesPermissions: true,
  references(r, scope, path) {
    scope.group([...path, "group"], r.group);
    scope.renamedGroup(r.group, r.to);
  },
  apply({ names }, r) {
    const group = names.store.renameGroup(r.group, r.to);
    return `group ${r.group} renamed to ${group.name} (id ${group.id})`;
  },
});

export const spacePermission = defineChange({
  schema: z
    .object({
      space: z.string(),
      grant: z.array(principal).optional(),
      revoke: z.array(principal).optional(),
    })
    .strict()
    .describe("View permission on a space; `anonymous` is a principal"),
  changesPermissions: true,
  references(sp, scope, path) {
    scope.space([...path, "space"], sp.space);
    return {
      ...sp,
      grant: scope.principals([...path, "grant"], sp.grant),
      revoke: scope.principals([...path, "revoke"], sp.revoke),
    };
  },
  apply({ names }, sp) {
    const space = names.store.requireSpace(sp.space);
    for (const r of sp.grant ?? []) names.store.grantSpacePermission(space.id, names.principal(r));
    for (const r of sp.revoke ?? []) names.store.revokeSpacePermission(space.id, names.principal(r));
    return `space ${space.key} view permission changed`;
  },
});

export const anonymous = defineChange({
  schema: z.boolean().describe("Site-wide anonymous access switch"),
  changesPermissions: true,
  apply({ names }, on) {
    names.store.setAnonymousAccess(on);
    return `site anonymous access ${on ? "on" : "off"}`;
  },
});
