import type { ConfluenceUser, CrawledContent, PrincipalSet } from "../model.ts";

/** The slices of Confluence's wire shapes the connector reads (specs/, docs/fidelity/confluence-*.md). */

export interface V2Space {
  id: string;
  key: string;
  name: string;
  status?: string;
  _links?: { webui?: string };
}

export interface V2SpacePermission {
  principal: { type: string; id?: string };
  operation: { key: string; targetType: string };
}

interface V2ContentBase {
  id: string;
  status?: string;
  title: string;
  spaceId: string;
  authorId?: string;
  createdAt?: string;
  version?: { number?: number; createdAt?: string; authorId?: string };
  body?: { storage?: { value?: string } };
  _links?: { webui?: string };
}
export interface V2Page extends V2ContentBase {
  parentId?: string | null;
  parentType?: string | null;
}
export type V2BlogPost = V2ContentBase;

export interface V1User {
  accountId: string;
  timeZone?: string | null;
  accountStatus?: string;
  email?: string | null;
  displayName?: string;
  publicName?: string;
}

interface V1Page<T> {
  results?: T[];
  size?: number;
  limit?: number;
  totalSize?: number;
  _links?: { next?: string };
}

export interface V1Restriction {
  operation?: string;
  restrictions?: {
    user?: V1Page<V1User>;
    group?: V1Page<{ id?: string; name?: string }>;
  };
}

/** True when a restriction's user or group list was cut (more principals than one page). */
export function restrictionTruncated(r: V1Restriction): boolean {
  const cut = (p?: V1Page<unknown>) =>
    p !== undefined &&
    (Boolean(p._links?.next) ||
      (p.totalSize !== undefined && p.totalSize > (p.results?.length ?? 0)) ||
      // No totalSize/next (not always sent): a full page may hide more.
      (p.totalSize === undefined && p.limit !== undefined && (p.results?.length ?? 0) >= p.limit));
  return cut(r.restrictions?.user) || cut(r.restrictions?.group);
}

export interface V1Content {
  id: string;
  type: string;
  status?: string;
  title: string;
  space?: { id?: number | string; key?: string; name?: string };
  history?: { createdDate?: string; createdBy?: { accountId?: string } };
  version?: { number?: number; when?: string; by?: { accountId?: string } };
  ancestors?: Array<{ id: string; type?: string }>;
  body?: { storage?: { value?: string } };
  metadata?: { labels?: { results?: Array<{ name: string }> } };
  restrictions?: { read?: V1Restriction };
  _links?: { webui?: string };
}

/** `bodies`: whether the listing was asked for bodies (if not, `body` stays undefined). */
export function fromV2Content(
  c: V2Page | V2BlogPost,
  type: "page" | "blogpost",
  bodies = true,
): CrawledContent {
  const parent = type === "page" ? (c as V2Page) : undefined;
  return {
    id: String(c.id),
    type,
    spaceId: String(c.spaceId),
    title: c.title,
    // Folders and other non-page parents carry no read restrictions the connector can see.
    parentId:
      parent?.parentId && (!parent.parentType || parent.parentType === "page")
        ? String(parent.parentId)
        : null,
    body: bodies ? (c.body?.storage?.value ?? "") : undefined,
    webui: c._links?.webui ?? `/spaces/${c.spaceId}/pages/${c.id}`,
    authorId: c.authorId ?? "",
    createdAt: c.createdAt ?? c.version?.createdAt ?? "",
    lastModifiedAt: c.version?.createdAt ?? c.createdAt ?? "",
    lastModifiedBy: c.version?.authorId ?? c.authorId ?? "",
    version: c.version?.number ?? 1,
    labels: [],
  };
}

/** `bodies`: whether the listing expanded `body.storage` (if not, `body` stays undefined). */
export function fromV1Content(c: V1Content, bodies = true): CrawledContent {
  const type = c.type === "blogpost" ? "blogpost" : "page";
  const ancestors = (c.ancestors ?? []).filter((a) => !a.type || a.type === "page").map((a) => String(a.id));
  const read = c.restrictions?.read;
  return {
    id: String(c.id),
    type,
    spaceId: String(c.space?.id ?? ""),
    spaceKey: c.space?.key,
    title: c.title,
    parentId: type === "page" ? (ancestors.at(-1) ?? null) : null,
    ancestors: type === "page" ? ancestors : [],
    body: bodies ? (c.body?.storage?.value ?? "") : undefined,
    webui: c._links?.webui ?? "",
    authorId: c.history?.createdBy?.accountId ?? "",
    createdAt: c.history?.createdDate ?? c.version?.when ?? "",
    lastModifiedAt: c.version?.when ?? c.history?.createdDate ?? "",
    lastModifiedBy: c.version?.by?.accountId ?? c.history?.createdBy?.accountId ?? "",
    version: c.version?.number ?? 1,
    labels: (c.metadata?.labels?.results ?? []).map((l) => l.name),
    // A cut list is as good as none: the crawl asks for this item's restriction on its own.
    readRestriction: read?.restrictions && !restrictionTruncated(read) ? principalSetFromV1(read) : undefined,
  };
}

/** A v1 ContentRestriction → its principals, or null when nobody is listed (unrestricted). */
export function principalSetFromV1(r: V1Restriction): PrincipalSet | null {
  const users = (r.restrictions?.user?.results ?? []).map((u) => u.accountId).filter(Boolean);
  const groups = (r.restrictions?.group?.results ?? []).map((g) => g.id ?? "").filter(Boolean);
  return users.length === 0 && groups.length === 0 ? null : { users, groups };
}

export function userFromV1(u: V1User): ConfluenceUser {
  return {
    accountId: u.accountId,
    email: u.email ?? "",
    displayName: u.displayName ?? u.publicName ?? "",
    publicName: u.publicName ?? u.displayName ?? "",
    active: u.accountStatus === undefined || u.accountStatus === "active",
  };
}
