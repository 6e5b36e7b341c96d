import { json } from "../../../host/types.ts";
import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import type { Content, ContentStatus, ContentType, Label, Version } from "../../model.ts";
import {
  includeBlock,
  listResponse,
  pageOfUnsorted,
  readCursor,
  readLimit,
  type SortSpec,
} from "../../pagination.ts";
import {
  arrayParam,
  boolParam,
  enumArrayParam,
  enumParam,
  intParam,
  longArrayParam,
  stringParam,
} from "../../params.ts";
import {
  type BodyFormatBulk,
  type BodyFormatSingle,
  renderBlogPostBulk,
  renderBlogPostSingle,
  renderLabel,
  renderPageBulk,
  renderPageSingle,
  renderPageVersion,
  type SingleExtras,
} from "../../render/v2.ts";
import { requireContent, requireSpace, V2NotFound, v2 } from "./common.ts";
import { BLOGPOST_SORTS, listContent, PAGE_SORTS } from "./content-list.ts";
import { contentOperations } from "./operations.ts";

const BULK_FORMATS = ["storage", "atlas_doc_format"] as const;
const SINGLE_FORMATS = [
  "storage",
  "atlas_doc_format",
  "view",
  "export_view",
  "anonymous_export_view",
  "styled_view",
  "editor",
] as const;
const SINGLE_STATUSES = ["current", "archived", "trashed", "deleted", "historical", "draft"] as const;

/** What differs between pages and blog posts on the shared routes. */
interface Kind {
  type: ContentType;
  /** Path segment: `pages` / `blogposts`. */
  plural: string;
  /** `Page` / `BlogPost` in operation ids. */
  op: string;
  listStatuses: readonly ContentStatus[];
  defaultStatuses: readonly ContentStatus[];
  /** Statuses a direct read (and its sub-resources) serves without an explicit `status`. */
  readableStatuses: readonly ContentStatus[];
  sorts: readonly string[];
  sortType: string;
  renderBulk: (ctx: ConfluenceContext, c: Content, f: BodyFormatBulk | undefined) => unknown;
  renderSingle: (
    ctx: ConfluenceContext,
    c: Content,
    f: BodyFormatSingle | undefined,
    x: SingleExtras,
  ) => unknown;
}

export const PAGE_KIND: Kind = {
  type: "page",
  plural: "pages",
  op: "Page",
  listStatuses: ["current", "archived", "deleted", "trashed"],
  defaultStatuses: ["current", "archived"],
  readableStatuses: ["current", "archived"],
  sorts: PAGE_SORTS,
  sortType: "PageSortOrder",
  renderBulk: (ctx, c, f) => renderPageBulk(ctx.store, c, f),
  renderSingle: (ctx, c, f, x) => renderPageSingle(ctx.store, c, f, x, ctx.base),
};

export const BLOGPOST_KIND: Kind = {
  type: "blogpost",
  plural: "blogposts",
  op: "BlogPost",
  listStatuses: ["current", "deleted", "trashed"],
  defaultStatuses: ["current"],
  readableStatuses: ["current"],
  sorts: BLOGPOST_SORTS,
  sortType: "BlogPostSortOrder",
  renderBulk: (ctx, c, f) => renderBlogPostBulk(ctx.store, c, f),
  renderSingle: (ctx, c, f, x) => renderBlogPostSingle(ctx.store, c, f, x, ctx.base),
};

interface ListOptions {
  spaceId?: string;
  rootOnly?: boolean;
}

/** Shared by `/pages`, `/spaces/{id}/pages` and the blog post equivalents. */
function listRoute(ctx: ConfluenceContext, kind: Kind, o: ListOptions): Response {
  const q = ctx.query;
  const sort = enumParam(q, "sort", kind.sorts, kind.sortType) ?? "id";
  const statuses = enumArrayParam(q, "status", kind.listStatuses, "ContentStatus") ?? kind.defaultStatuses;
  const format = enumParam(q, "body-format", BULK_FORMATS, "PrimaryBodyRepresentation");
  const limit = readLimit(q);
  const ids = o.spaceId ? undefined : longArrayParam(q, "id");
  const spaceIds = o.spaceId ? [o.spaceId] : longArrayParam(q, "space-id");
  const cursor = readCursor(q, sort.replace(/^-/, ""));
  const page = listContent(
    ctx,
    { type: kind.type, ids, spaceIds, statuses, title: stringParam(q, "title"), rootOnly: o.rootOnly, sort },
    cursor,
    limit,
  );
  return listResponse(
    ctx,
    page.items.map((c) => kind.renderBulk(ctx, c, format)),
    page.next,
  );
}

const labelSort = <T extends { id: string; name: string }>(name: string): SortSpec<T> => {
  const desc = name.startsWith("-");
  const order = desc ? name.slice(1) : name;
  // Labels carry no creation date in the model; their ids are issued in creation order.
  return { order, desc, key: order === "name" ? (l: T) => l.name : (l: T) => Number(l.id) };
};

type VersionItem = { id: string; v: Version };
const versionItems = (c: Content): VersionItem[] => c.history.map((v) => ({ id: String(v.number), v }));
const versionSort = (name: string): SortSpec<VersionItem> => ({
  order: "modified-date",
  desc: name.startsWith("-"),
  key: (i) => i.v.createdAt,
});

function emptyBlock(self: string) {
  return { results: [], meta: { hasMore: false }, _links: { self } };
}

/** `GET /pages/{id}` and `GET /blogposts/{id}`. */
function getById(ctx: ConfluenceContext, kind: Kind): Response {
  const q = ctx.query;
  const format = enumParam(q, "body-format", SINGLE_FORMATS, "PrimaryBodyRepresentationSingle");
  const requested = enumArrayParam(q, "status", SINGLE_STATUSES, "ContentStatus");
  // `historical` names old versions, which the model keeps as version history, not content.
  const statuses: ContentStatus[] = (requested ?? kind.readableStatuses).filter(
    (st): st is ContentStatus => st !== "historical",
  );
  if (boolParam(q, "get-draft", false)) statuses.push("draft");
  const versionNumber = intParam(q, "version");
  const includeVersion = boolParam(q, "include-version", true);
  const flags = {
    labels: boolParam(q, "include-labels", false),
    properties: boolParam(q, "include-properties", false),
    operations: boolParam(q, "include-operations", false),
    likes: boolParam(q, "include-likes", false),
    versions: boolParam(q, "include-versions", false),
    favorited: boolParam(q, "include-favorited-by-current-user-status", false),
  };
  const c = requireContent(ctx, ctx.params.id, kind.type, statuses);
  let version: Version | undefined;
  if (versionNumber !== undefined) {
    version = c.history.find((v) => v.number === versionNumber);
    if (!version)
      throw new V2NotFound(`Cannot find a version [${versionNumber}] of content with id [${c.id}]`);
  }
  const self = `/wiki/api/v2/${kind.plural}/${c.id}`;
  const x: SingleExtras = { version, includeVersion };
  if (flags.labels) x.labels = includeBlock(c.labels, labelSort<Label>("id"), `${self}/labels`, renderLabel);
  if (flags.properties) x.properties = emptyBlock(`${self}/properties`);
  if (flags.operations) {
    const ops = contentOperations(ctx, c);
    x.operations = { results: ops, meta: { hasMore: false }, _links: { self: `${self}/operations` } };
  }
  if (flags.likes) x.likes = emptyBlock(`${self}/likes/users`);
  if (flags.versions) {
    x.versions = includeBlock(versionItems(c), versionSort("-modified-date"), `${self}/versions`, (i) =>
      renderPageVersion(i.v),
    );
  }
  if (flags.favorited) x.isFavoritedByCurrentUser = false;
  return json(kind.renderSingle(ctx, c, format, x));
}

/** Routes pages and blog posts share, keyed by the spec's operation ids. */
export function contentRoutes(kind: Kind): ConfluenceRoute[] {
  const { plural, op } = kind;
  return [
    v2("GET", `/${plural}`, `get${op}s`, (ctx) => listRoute(ctx, kind, {})),
    v2("GET", `/${plural}/:id`, `get${op}ById`, (ctx) => getById(ctx, kind)),
    v2("GET", `/spaces/:id/${plural}`, `get${op}sInSpace`, (ctx) => {
      const depth =
        kind.type === "page" ? enumParam(ctx.query, "depth", ["all", "root"], "Depth") : undefined;
      const space = requireSpace(ctx, ctx.params.id);
      return listRoute(ctx, kind, { spaceId: space.id, rootOnly: depth === "root" });
    }),
    v2("GET", `/${plural}/:id/labels`, `get${op}Labels`, (ctx) => {
      const q = ctx.query;
      const sortName =
        enumParam(
          q,
          "sort",
          ["created-date", "-created-date", "id", "-id", "name", "-name"],
          "LabelSortOrder",
        ) ?? "id";
      const prefixes = arrayParam(q, "prefix");
      const limit = readLimit(q);
      const sort = labelSort<Label>(sortName);
      const cursor = readCursor(q, sort.order);
      const c = requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
      const labels = prefixes.length ? c.labels.filter((l) => prefixes.includes(l.prefix)) : c.labels;
      const page = pageOfUnsorted(labels, sort, cursor, limit);
      return listResponse(ctx, page.items.map(renderLabel), page.next);
    }),
    v2("GET", `/${plural}/:id/versions`, `get${op}Versions`, (ctx) => {
      const q = ctx.query;
      const sortName =
        enumParam(q, "sort", ["modified-date", "-modified-date"], "VersionSortOrder") ?? "-modified-date";
      enumParam(q, "body-format", BULK_FORMATS, "PrimaryBodyRepresentation");
      const limit = readLimit(q);
      const sort = versionSort(sortName);
      const cursor = readCursor(q, sort.order);
      const c = requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
      const page = pageOfUnsorted(versionItems(c), sort, cursor, limit);
      return listResponse(
        ctx,
        page.items.map((i) => renderPageVersion(i.v)),
        page.next,
      );
    }),
    v2("GET", `/${plural}/:id/operations`, `get${op}Operations`, (ctx) => {
      const c = requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
      return json({ operations: contentOperations(ctx, c) });
    }),
    // The model has no attachments, comments or content properties: correct envelopes, empty results.
    v2(
      "GET",
      `/${plural}/:id/properties`,
      `get${kind.type === "page" ? "Page" : "Blogpost"}ContentProperties`,
      (ctx) => {
        readLimit(ctx.query);
        readCursor(ctx.query, "id");
        requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
        return listResponse(ctx, [], undefined);
      },
    ),
    v2(
      "GET",
      `/${plural}/:id/attachments`,
      `get${kind.type === "page" ? "Page" : "Blogpost"}Attachments`,
      (ctx) => {
        readLimit(ctx.query, 50);
        readCursor(ctx.query, "id");
        enumArrayParam(ctx.query, "status", ["current", "archived", "trashed"], "ContentStatus");
        requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
        return listResponse(ctx, [], undefined);
      },
    ),
    v2("GET", `/${plural}/:id/footer-comments`, `get${op}FooterComments`, (ctx) => {
      readLimit(ctx.query);
      readCursor(ctx.query, "id");
      enumParam(ctx.query, "body-format", BULK_FORMATS, "PrimaryBodyRepresentation");
      requireContent(ctx, ctx.params.id, kind.type, kind.readableStatuses);
      return listResponse(ctx, [], undefined);
    }),
  ];
}
