import type { components } from "../generated/v2.ts";
import type { Content, Label, User, Version } from "../model.ts";
import type { ConfluenceStore } from "../store.ts";
import { iso, uiLinks } from "./links.ts";
import { adfOf, storageToView } from "./storage.ts";

/**
 * v2 object shapes, typed against the generated OpenAPI schemas so the compiler checks them. Where
 * real answers differ from the Jan-2025 spec (nulls, `edituiv2`, `currentActiveAlias`), the
 * difference is an explicit intersection type here.
 */
type S = components["schemas"];

export type BodyFormatBulk = S["PrimaryBodyRepresentation"];
export type BodyFormatSingle = S["PrimaryBodyRepresentationSingle"];

export type PageLinks = S["AbstractPageLinks"] & { edituiv2: string; base?: string };

type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]: Exclude<T[P], undefined> | null };

export type PageBulkOut = Omit<Nullable<S["PageBulk"], "parentId" | "parentType">, "_links"> & {
  _links: PageLinks;
};
export type PageSingleOut = Omit<Nullable<S["PageSingle"], "parentId" | "parentType">, "_links"> & {
  _links: PageLinks;
};
export type BlogPostBulkOut = Omit<S["BlogPostBulk"], "_links"> & { _links: PageLinks };
export type BlogPostSingleOut = Omit<S["BlogPostSingle"], "_links"> & { _links: PageLinks };
export type SpaceBulkOut = Nullable<S["SpaceBulk"], "description" | "icon"> & { currentActiveAlias: string };
export type SpaceSingleOut = Omit<Nullable<S["SpaceSingle"], "description" | "icon">, "permissions"> & {
  currentActiveAlias: string;
  permissions?: Omit<NonNullable<S["SpaceSingle"]["permissions"]>, "results"> & {
    results: SpacePermissionOut[];
  };
  _links: S["SpaceLinks"] & { base: string };
};
/** Anonymous has no id and no place in the spec's principal enum; see docs/fidelity/confluence-v2.md. */
export type SpacePermissionOut = Omit<S["SpacePermissionAssignment"], "principal"> & {
  principal: { type: "user" | "group" | "role"; id: string } | { type: "anonymous" };
};
export type UserOut = Nullable<S["User"], "timeZone" | "personalSpaceId">;
export type ChildPageOut = S["ChildPage"];
export type DirectChildOut = S["ChildPage"] & { type: "page" };

export function renderVersion(v: Version): S["Version"] {
  return {
    createdAt: iso(v.createdAt),
    message: v.message,
    number: v.number,
    minorEdit: v.minorEdit,
    authorId: v.authorId,
  };
}

export function renderLabel(l: Label): S["Label"] {
  return { id: l.id, name: l.name, prefix: l.prefix };
}

export function renderBody(
  content: Content,
  format: BodyFormatSingle | undefined,
): S["BodySingle"] & Partial<Record<BodyFormatSingle, S["BodyType"]>> {
  if (!format) return {};
  switch (format) {
    case "storage":
    case "editor":
      return { [format]: { representation: format, value: content.body } };
    case "atlas_doc_format":
      return { atlas_doc_format: { representation: "atlas_doc_format", value: adfOf(content) } };
    default:
      return { [format]: { representation: format, value: storageToView(content.body) } };
  }
}

/** Links per content, rebuilt only when the title or space key changes (listings render them for every row). */
const linkCache = new WeakMap<Content, { title: string; spaceKey: string; links: PageLinks }>();

/** `_links` of a page or blog post; `base` (single-item answers) names where the client reached the site. */
export function contentLinks(store: ConfluenceStore, content: Content, base?: string): PageLinks {
  const key = store.spaces.get(content.spaceId)?.key ?? "";
  let cached = linkCache.get(content);
  if (!cached || cached.title !== content.title || cached.spaceKey !== key) {
    cached = { title: content.title, spaceKey: key, links: uiLinks(content, key) };
    linkCache.set(content, cached);
  }
  return base === undefined ? { ...cached.links } : { ...cached.links, base };
}

// ---- pages and blog posts ------------------------------------------------------------------------

function parentOf(
  store: ConfluenceStore,
  c: Content,
): { parentId: string | null; parentType: "page" | null } {
  const parent = c.parentId ? store.content.get(c.parentId) : undefined;
  return parent ? { parentId: parent.id, parentType: "page" } : { parentId: null, parentType: null };
}

/** Fields every page rendering shares (bulk and single). No spreads: listings render 250 a page. */
function pageFields(store: ConfluenceStore, c: Content) {
  const { parentId, parentType } = parentOf(store, c);
  return {
    id: c.id,
    status: c.status,
    title: c.title,
    spaceId: c.spaceId,
    parentId,
    parentType,
    position: c.position,
    authorId: c.authorId,
    ownerId: c.ownerId || null,
    lastOwnerId: null,
    createdAt: iso(c.createdAt),
  };
}

export function renderPageBulk(
  store: ConfluenceStore,
  c: Content,
  format: BodyFormatBulk | undefined,
): PageBulkOut {
  // Properties added in output order to the shared fields (cheaper than spreading them).
  const page = pageFields(store, c) as Partial<PageBulkOut> & ReturnType<typeof pageFields>;
  page.version = renderVersion(c.version);
  page.body = renderBody(c, format);
  page._links = contentLinks(store, c);
  return page as PageBulkOut;
}

export function renderBlogPostBulk(
  store: ConfluenceStore,
  c: Content,
  format: BodyFormatBulk | undefined,
): BlogPostBulkOut {
  return {
    id: c.id,
    status: blogStatus(c),
    title: c.title,
    spaceId: c.spaceId,
    authorId: c.authorId,
    createdAt: iso(c.createdAt),
    version: renderVersion(c.version),
    body: renderBody(c, format),
    _links: contentLinks(store, c),
  };
}

/** Blog posts have no `archived` in their status enum (confluence.js validates it). */
function blogStatus(c: Content): S["BlogPostContentStatus"] {
  return c.status === "archived" ? "current" : c.status;
}

/** Optional blocks a single page or blog post may carry (`include-*`). */
export interface SingleExtras {
  version?: Version;
  includeVersion: boolean;
  labels?: PageSingleOut["labels"];
  properties?: PageSingleOut["properties"];
  operations?: PageSingleOut["operations"];
  likes?: PageSingleOut["likes"];
  versions?: PageSingleOut["versions"];
  isFavoritedByCurrentUser?: boolean;
}

function extras(x: SingleExtras, c: Content) {
  const out: Partial<PageSingleOut> = {};
  if (x.includeVersion) out.version = renderVersion(x.version ?? c.version);
  if (x.labels) out.labels = x.labels;
  if (x.properties) out.properties = x.properties;
  if (x.operations) out.operations = x.operations;
  if (x.likes) out.likes = x.likes;
  if (x.versions) out.versions = x.versions;
  if (x.isFavoritedByCurrentUser !== undefined) out.isFavoritedByCurrentUser = x.isFavoritedByCurrentUser;
  return out;
}

export function renderPageSingle(
  store: ConfluenceStore,
  c: Content,
  format: BodyFormatSingle | undefined,
  x: SingleExtras,
  base: string,
): PageSingleOut {
  return {
    ...pageFields(store, c),
    ...extras(x, c),
    body: renderBody(c, format),
    _links: contentLinks(store, c, base),
  };
}

export function renderBlogPostSingle(
  store: ConfluenceStore,
  c: Content,
  format: BodyFormatSingle | undefined,
  x: SingleExtras,
  base: string,
): BlogPostSingleOut {
  const { labels, properties, operations, likes, versions, version, isFavoritedByCurrentUser } = extras(x, c);
  return {
    id: c.id,
    status: blogStatus(c),
    title: c.title,
    spaceId: c.spaceId,
    authorId: c.authorId,
    createdAt: iso(c.createdAt),
    ...(version ? { version } : {}),
    ...(labels ? { labels } : {}),
    ...(properties ? { properties } : {}),
    ...(operations ? { operations } : {}),
    ...(likes ? { likes } : {}),
    ...(versions ? { versions } : {}),
    ...(isFavoritedByCurrentUser !== undefined ? { isFavoritedByCurrentUser } : {}),
    body: renderBody(c, format),
    _links: contentLinks(store, c, base),
  };
}

export function renderChildPage(c: Content): ChildPageOut {
  return {
    id: c.id,
    status: c.status === "archived" ? "archived" : "current",
    title: c.title,
    spaceId: c.spaceId,
    childPosition: c.position,
  };
}

export function renderDirectChild(c: Content): DirectChildOut {
  return { ...renderChildPage(c), type: "page" };
}

/** `/pages/{id}/descendants` item (newer than the Jan-2025 spec; shape from confluence.js). */
export interface DescendantOut {
  id: string;
  status: "current" | "archived";
  title: string;
  type: "page";
  parentId: string;
  depth: number;
  childPosition: number | null;
  lastModified: string;
}

export function renderDescendant(c: Content, depth: number): DescendantOut {
  return {
    id: c.id,
    status: c.status === "archived" ? "archived" : "current",
    title: c.title,
    type: "page",
    parentId: c.parentId ?? "",
    depth,
    childPosition: c.position,
    lastModified: iso(c.version.createdAt),
  };
}

export function renderPageVersion(v: Version): S["PageVersion"] {
  return renderVersion(v);
}

// ---- users ---------------------------------------------------------------------------------------

export function renderUser(u: User): UserOut {
  return {
    displayName: u.displayName,
    timeZone: u.timeZone,
    personalSpaceId: null,
    isExternalCollaborator: u.guest,
    accountStatus: u.active ? "active" : "inactive",
    accountId: u.accountId,
    email: u.emailVisible ? u.email : "",
    accountType: u.accountType,
    publicName: u.publicName,
    profilePicture: { path: "/wiki/images/icons/profilepics/default.svg", isDefault: true },
  };
}
