import { confluenceGroupId } from "../../connector/acl.ts";
import type { AclEntry } from "../../simulators/graph/model.ts";
import type { World } from "../../simulators/world.ts";

/**
 * ACL notation shared by scenario files, failure messages and `explain` (docs/customer-bug-catalog.md §3.0):
 * `user:<upn>` (also `u:`), `group:<Entra group name>`, `xg:<Confluence group name or external
 * group id>` (also `externalGroup:`), `everyone`, `everyoneExceptGuests`.
 */
export function entryRef(world: World, entry: AclEntry): string {
  switch (entry.type) {
    case "user":
      return `user:${world.directory.user(entry.value)?.userPrincipalName.toLowerCase() ?? entry.value}`;
    case "group":
      return `group:${world.directory.group(entry.value)?.displayName ?? entry.value}`;
    case "externalGroup":
      return `xg:${externalGroupName(world, entry.value)}`;
    default:
      return entry.type;
  }
}

/** The Confluence group name behind an external group id made by the connector, or the id. */
export function externalGroupName(world: World, id: string): string {
  for (const g of world.confluence.store.groups.values()) if (confluenceGroupId(g.id) === id) return g.name;
  return id;
}

/** An external group id from a Confluence group name (or the id itself). */
export function externalGroupId(world: World, nameOrId: string): string {
  const g = world.confluence.store.groupByName(nameOrId);
  return g ? confluenceGroupId(g.id) : nameOrId;
}

/** Canonical form of a reference written in a scenario. */
export function normalizeRef(world: World, ref: string): string {
  const m = /^(user|u|group|g|xg|externalGroup):(.*)$/s.exec(ref.trim());
  if (!m) return ref.trim();
  const value = m[2].trim();
  if (m[1] === "user" || m[1] === "u") {
    const upn = value.includes("@") ? value : `${value}@${world.directory.domain}`;
    return `user:${upn.toLowerCase()}`;
  }
  if (m[1] === "group" || m[1] === "g") return `group:${value}`;
  return `xg:${externalGroupName(world, value)}`;
}
