import type { Directory } from "../directory/model.ts";
import type { AclEntry, ExternalGroup } from "./model.ts";

/**
 * Effective access (research §6): a user can see an item when some grant entry matches them and no
 * deny entry does. Matching: `user` by object id; `group` by transitive Entra membership;
 * `externalGroup` by nested external-group membership (members may be users, Entra groups or other
 * external groups); `everyone` all users of the tenant; `everyoneExceptGuests` members only.
 */

export interface Principal {
  userId: string;
  guest: boolean;
  /** Entra groups the user belongs to, transitively. */
  entraGroups: Set<string>;
  /** External groups (of one connection) the user belongs to, transitively. */
  externalGroups: Set<string>;
}

/** The principal for a directory user as seen by one connection's external groups. */
export function principalFor(
  directory: Directory,
  userId: string,
  groups: Map<string, ExternalGroup>,
): Principal | undefined {
  const user = directory.user(userId);
  if (!user?.accountEnabled) return undefined;
  const entraGroups = directory.transitiveGroupsOf(user.id);
  return {
    userId: user.id,
    guest: user.userType === "Guest",
    entraGroups,
    externalGroups: externalGroupsOf(user.id, entraGroups, groups),
  };
}

/** Fixed point over external groups: a group contains U if it lists U, one of U's Entra groups, or a group containing U. */
export function externalGroupsOf(
  userId: string,
  entraGroups: Set<string>,
  groups: Map<string, ExternalGroup>,
): Set<string> {
  const out = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const g of groups.values()) {
      if (out.has(g.id)) continue;
      for (const m of g.members.values()) {
        const hit =
          (m.type === "user" && m.id.toLowerCase() === userId) ||
          (m.type === "group" && entraGroups.has(m.id.toLowerCase())) ||
          (m.type === "externalGroup" && out.has(m.id));
        if (hit) {
          out.add(g.id);
          changed = true;
          break;
        }
      }
    }
  }
  return out;
}

export function entryMatches(entry: AclEntry, p: Principal, tenantId: string): boolean {
  switch (entry.type) {
    case "user":
      return entry.value.toLowerCase() === p.userId;
    case "group":
      return p.entraGroups.has(entry.value.toLowerCase());
    case "externalGroup":
      return p.externalGroups.has(entry.value);
    case "everyone":
      return isEveryoneValue(entry.value, tenantId);
    case "everyoneExceptGuests":
      return !p.guest && isEveryoneValue(entry.value, tenantId);
  }
}

/** `everyone` entries carry the tenant id; Microsoft's samples send the literal "everyone", accepted too. */
function isEveryoneValue(value: string, tenantId: string): boolean {
  const v = value.toLowerCase();
  return v === tenantId || v === "everyone" || v === "everyoneexceptguests";
}

export interface AccessDecision {
  allowed: boolean;
  grants: AclEntry[];
  denies: AclEntry[];
}

export function decide(acl: AclEntry[], p: Principal, tenantId: string): AccessDecision {
  const grants: AclEntry[] = [];
  const denies: AclEntry[] = [];
  for (const e of acl) {
    if (!entryMatches(e, p, tenantId)) continue;
    (e.accessType === "deny" ? denies : grants).push(e);
  }
  return { allowed: grants.length > 0 && denies.length === 0, grants, denies };
}
