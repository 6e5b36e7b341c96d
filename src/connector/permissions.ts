import type { CrawledSpace, PrincipalSet } from "./model.ts";
import { isEmptySet } from "./model.ts";

/**
 * Who may see an item, as an expression over Confluence principals, independent of group
 * membership (so membership changes never rewrite items, only external groups).
 *
 * - `everyone`: anonymous access.
 * - `union`: any principal of one set (space readers, or one restriction) — Graph's native grant list.
 * - `intersection`: a member of every set (space ∧ restrictions of page and ancestors). Graph ACLs
 *   cannot intersect, so the connector materialises one external group per distinct signature.
 * - `nobody`: nothing grants access (deny-all item, never a broader fallback).
 */
export type Audience =
  | { kind: "everyone" }
  | { kind: "union"; set: PrincipalSet }
  | { kind: "intersection"; sets: PrincipalSet[] }
  | { kind: "nobody" };

export type PermissionPolicy = "confluence" | "documented";

export interface PermissionInput {
  space: CrawledSpace;
  /** The item's own read restriction, null when unrestricted. */
  own: PrincipalSet | null;
  /** Read restrictions of restricted ancestors, root first (pages only). */
  ancestors: PrincipalSet[];
}

/** Computes an item's audience (`audienceFor` in production; `ConnectorOptions.audience` swaps it in tests). */
export type AudienceStrategy = (
  policy: PermissionPolicy,
  input: PermissionInput,
  options?: { documentedSpacePermissions?: "honored" | "ignored" },
) => Audience;

export function audienceFor(
  policy: PermissionPolicy,
  input: PermissionInput,
  options: { documentedSpacePermissions?: "honored" | "ignored" } = {},
): Audience {
  return policy === "confluence"
    ? confluenceAudience(input)
    : documentedAudience(input, options.documentedSpacePermissions ?? "honored");
}

/**
 * Confluence's own rule: space read ∧ read restriction of the page ∧ of every restricted
 * ancestor. Anonymous spaces count as everyone only when anonymous access is effective.
 */
export function confluenceAudience({ space, own, ancestors }: PermissionInput): Audience {
  const restrictions = [...ancestors, ...(own ? [own] : [])].filter((r) => !isEmptySet(r));
  const sets = space.anonymousEffective ? restrictions : [space.readers, ...restrictions];
  if (sets.length === 0) return space.anonymousEffective ? { kind: "everyone" } : { kind: "nobody" };
  return simplify(sets);
}

/**
 * Microsoft's documented behaviour: page restrictions take precedence over (replace) space
 * permissions; parent restrictions are ignored; anonymous spaces are visible to everyone.
 */
export function documentedAudience(
  { space, own }: PermissionInput,
  spacePermissions: "honored" | "ignored" = "honored",
): Audience {
  if (own && !isEmptySet(own)) return { kind: "union", set: normalizeSet(own) };
  if (space.anonymousRead) return { kind: "everyone" };
  if (spacePermissions === "ignored" || isEmptySet(space.readers)) return { kind: "nobody" };
  return { kind: "union", set: normalizeSet(space.readers) };
}

/**
 * Canonical form: sorted, deduplicated sets; a set whose principals are all listed in another set
 * makes the larger one redundant (A ⊆ B syntactically ⇒ A ∩ B = A), whatever the memberships.
 */
export function simplify(sets: PrincipalSet[]): Audience {
  const normalized = dedupe(sets.map(normalizeSet));
  if (normalized.some(isEmptySet)) return { kind: "nobody" };
  const kept = normalized.filter(
    (b, j) => !normalized.some((a, i) => i !== j && subsetOf(a, b) && (!subsetOf(b, a) || i < j)),
  );
  if (kept.length === 1) return { kind: "union", set: kept[0] };
  return { kind: "intersection", sets: kept };
}

export function normalizeSet(s: PrincipalSet): PrincipalSet {
  return { users: [...new Set(s.users)].sort(), groups: [...new Set(s.groups)].sort() };
}

function subsetOf(a: PrincipalSet, b: PrincipalSet): boolean {
  return a.users.every((u) => b.users.includes(u)) && a.groups.every((g) => b.groups.includes(g));
}

function dedupe(sets: PrincipalSet[]): PrincipalSet[] {
  const seen = new Map<string, PrincipalSet>();
  for (const s of sets) seen.set(setKey(s), s);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

export function setKey(s: PrincipalSet): string {
  return `u:${s.users.join(",")}|g:${s.groups.join(",")}`;
}

/** A stable text naming an intersection, independent of set order. */
export function signature(sets: PrincipalSet[]): string {
  return sets.map(setKey).sort().join("&");
}

/** The accounts an audience admits, given group members (reference semantics for tests and groups). */
export function membersOf(
  audience: Audience,
  groupMembers: (groupId: string) => readonly string[],
  everyone: readonly string[],
): Set<string> {
  const expand = (s: PrincipalSet) => new Set([...s.users, ...s.groups.flatMap((g) => groupMembers(g))]);
  switch (audience.kind) {
    case "everyone":
      return new Set(everyone);
    case "nobody":
      return new Set();
    case "union":
      return expand(audience.set);
    case "intersection": {
      const [first, ...rest] = audience.sets.map(expand);
      return new Set([...first].filter((a) => rest.every((s) => s.has(a))));
    }
  }
}
