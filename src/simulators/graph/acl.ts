import type { Directory } from "../directory/store.ts";
import type { AclEntry, ExternalGroup } from "./model.ts";

/**
 * Effective access ([G-ITEMS]): a user can see an item when some grant entry matches them and no
 * deny entry does. Matching: `user` by object id; `group` by transitive Entra membership;
 * `externalGroup` by nested external-group membership (members may be users, Entra groups or other
 * external groups); `everyone` all users of the tenant; `everyoneExceptGuests` members only.
 */

export interface Principal {
  userId: string;
  guest: boolean;
  /** Entra groups the user belongs to, transitively. */
  entraGroups: ReadonlySet<string>;
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
  entraGroups: ReadonlySet<string>,
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
      // Beta's older shape: `type: group` + `identitySource: external` names an external group.
      if (entry.identitySource?.toLowerCase() === "external") return p.externalGroups.has(entry.value);
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

/**
 * Why an ACL entry matches a user, for `cgsim explain`: the membership chain from the user to the
 * group ("member of Engineering via Eng Leads"), or the everyone rule that applies.
 */
export function describeMatch(
  entry: AclEntry,
  directory: Directory,
  userId: string,
  groups: Map<string, ExternalGroup>,
): string {
  const verb = entry.accessType === "deny" ? "denied" : "granted";
  const user = directory.user(userId);
  const who = user?.userPrincipalName ?? userId;
  switch (entry.type) {
    case "user":
      return `${verb}: ${who} is named directly`;
    case "everyone":
      return `${verb}: everyone in the tenant`;
    case "everyoneExceptGuests":
      return `${verb}: every member of the tenant (${who} is not a guest)`;
    case "group":
      if (entry.identitySource?.toLowerCase() !== "external") {
        const chain = entraChain(directory, userId, entry.value.toLowerCase());
        return `${verb}: ${who} is in Entra group ${chain.join(" ← ")}`;
      }
      return `${verb}: ${who} is in external group ${externalChain(directory, userId, entry.value, groups).join(" ← ")}`;
    case "externalGroup":
      return `${verb}: ${who} is in external group ${externalChain(directory, userId, entry.value, groups).join(" ← ")}`;
  }
}

function groupName(directory: Directory, id: string): string {
  return directory.groups.get(id)?.displayName ?? id;
}

/** Shortest chain target ← … ← the group that lists the user directly (names). */
function entraChain(directory: Directory, userId: string, target: string): string[] {
  const prev = new Map<string, string | null>();
  const queue: string[] = [];
  for (const g of directory.groups.values()) {
    if (g.members.some((m) => m.type === "user" && m.id === userId)) {
      prev.set(g.id, null);
      queue.push(g.id);
    }
  }
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === target) break;
    for (const g of directory.groups.values()) {
      if (!prev.has(g.id) && g.members.some((m) => m.type === "group" && m.id === id)) {
        prev.set(g.id, id);
        queue.push(g.id);
      }
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = target; at; at = prev.get(at))
    chain.push(groupName(directory, at));
  return chain;
}

function externalChain(
  directory: Directory,
  userId: string,
  target: string,
  groups: Map<string, ExternalGroup>,
): string[] {
  const userGroups = directory.transitiveGroupsOf(userId);
  const prev = new Map<string, string | null>();
  const queue: string[] = [];
  for (const g of groups.values()) {
    const direct = [...g.members.values()].find(
      (m) =>
        (m.type === "user" && m.id.toLowerCase() === userId) ||
        (m.type === "group" && userGroups.has(m.id.toLowerCase())),
    );
    if (direct) {
      prev.set(g.id, direct.type === "group" ? `entra:${direct.id.toLowerCase()}` : null);
      queue.push(g.id);
    }
  }
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === target) break;
    for (const g of groups.values()) {
      if (!prev.has(g.id) && [...g.members.values()].some((m) => m.type === "externalGroup" && m.id === id)) {
        prev.set(g.id, id);
        queue.push(g.id);
      }
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = target; at; at = prev.get(at)) {
    if (at.startsWith("entra:")) {
      chain.push(`Entra group ${entraChain(directory, userId, at.slice(6)).join(" ← ")}`);
      break;
    }
    chain.push(at);
  }
  return chain;
}
