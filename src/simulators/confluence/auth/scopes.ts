import type { ConfluenceRoute } from "../context.ts";
import table from "../generated/scopes.json" with { type: "json" };

/**
 * Which OAuth scopes a route needs. v2 routes accept only their granular scopes (from the v2 spec's
 * `x-atlassian-oauth2-scopes`); v1 routes accept their classic scopes (v1 spec `security`) or their
 * documented granular ones ([A-SCOPES], docs/fidelity.md). Each entry is a list of alternatives; a
 * token passes when it holds every scope of one alternative.
 */
export type ScopeAlternatives = string[][];

const v2Table: Record<string, string[]> = table.v2;
const v1Table: Record<string, string[]> = table.v1;

/** v2 operations newer than the saved (Jan 2025) spec: scopes from the current developer docs. */
const V2_SUPPLEMENT: Record<string, string[]> = {
  getPageDirectChildren: ["read:page:confluence"],
  getPageDescendants: ["read:page:confluence"],
  getFolderDirectChildren: ["read:folder:confluence"],
  getFolderDescendants: ["read:folder:confluence"],
};

/** Granular scopes documented for the v1 operations the twin serves. */
const V1_GRANULAR: Record<string, string[][]> = {
  getContent: [["read:content-details:confluence"]],
  getContentById: [["read:content-details:confluence"]],
  getRestrictions: [["read:content-details:confluence"]],
  getRestrictionsByOperation: [["read:content-details:confluence"]],
  getRestrictionsForOperation: [["read:content-details:confluence"]],
  getContentRestrictionStatusForUser: [["read:content.restriction:confluence"]],
  getIndividualGroupRestrictionStatusByGroupId: [["read:content.restriction:confluence"]],
  checkContentPermission: [["read:content.permission:confluence"]],
  getGroups: [["read:group:confluence"]],
  getGroupByGroupId: [["read:group:confluence"]],
  getGroupMembersByGroupId: [["read:group:confluence", "read:user:confluence"]],
  getUser: [["read:content-details:confluence"], ["read:user:confluence"]],
  getBulkUserLookup: [["read:content-details:confluence"], ["read:user:confluence"]],
  getAnonymousUser: [["read:content-details:confluence"], ["read:user:confluence"]],
  getCurrentUser: [["read:content-details:confluence"], ["read:user:confluence"]],
  getGroupMembershipsForUser: [["read:content-details:confluence"], ["read:user:confluence"]],
  getSpace: [["read:space-details:confluence"]],
  getSpaces: [["read:space-details:confluence"]],
  getContentChildrenByType: [["read:content-details:confluence"]],
  getAttachments: [["read:content-details:confluence"]],
  getContentComments: [["read:content-details:confluence"]],
  getDescendantsOfType: [["read:content-details:confluence"]],
  getLabelsForContent: [["read:content-details:confluence"]],
  searchByCQL: [["read:content-details:confluence"]],
  searchContentByCQL: [["read:content-details:confluence"]],
};

/** v1 operations whose saved spec lists no OAuth security (getGroupByGroupId): classic from the docs. */
const V1_CLASSIC_SUPPLEMENT: Record<string, string[]> = {
  getGroupByGroupId: ["read:confluence-groups"],
};

/** Undefined when the twin has no record of the operation's scopes (the gateway then lets it through). */
export function requiredScopes(
  route: Pick<ConfluenceRoute, "api" | "operationId">,
): ScopeAlternatives | undefined {
  if (route.api === "v2") {
    const scopes = v2Table[route.operationId] ?? V2_SUPPLEMENT[route.operationId];
    return scopes ? [scopes] : undefined;
  }
  const classic = v1Table[route.operationId] ?? V1_CLASSIC_SUPPLEMENT[route.operationId];
  const alternatives = [...(classic ? [classic] : []), ...(V1_GRANULAR[route.operationId] ?? [])];
  return alternatives.length ? alternatives : undefined;
}

export function scopesAllow(granted: ReadonlySet<string>, alternatives: ScopeAlternatives): boolean {
  return alternatives.some((needed) => needed.every((s) => granted.has(s)));
}

/** Every scope `/authorize` accepts: granular and classic Confluence scopes, plus offline_access. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  "offline_access",
  ...Object.values(v2Table).flat(),
  ...Object.values(V2_SUPPLEMENT).flat(),
  ...Object.values(v1Table).flat(),
  ...Object.values(V1_GRANULAR).flat(2),
  "read:confluence-space.summary",
  "read:confluence-content.summary",
  "read:confluence-content.all",
  "read:confluence-content.permission",
  "read:confluence-props",
  "read:confluence-groups",
  "read:confluence-user",
  "search:confluence",
  "readonly:content.attachment:confluence",
  "read:content.metadata:confluence",
  "read:space.permission:confluence",
]);
