import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import type { Content, Space } from "../../model.ts";
import { renderSpace } from "../../render/v1.ts";
import {
  contentArrayPage,
  listParam,
  offsetPage,
  ok,
  parsePaging,
  viewOf,
  visibleContent,
} from "./common.ts";

type S = components["schemas"];

/**
 * Older crawlers' v1 lists (docs/fidelity/confluence-auth-v1.md): `GET /space`, `/content/{id}/child/{type}`
 * (+ attachment, comment), `/content/{id}/label` — all removed from the published spec under
 * CHANGE-864 (so `deprecated`) — and the still-current `/content/{id}/descendant/{type}`.
 */
export function legacyListRoutes(): ConfluenceRoute[] {
  const route = (path: string, operationId: string, handler: ConfluenceRoute["handler"], deprecated = true) =>
    ({ method: "GET", path, operationId, api: "v1", deprecated, handler }) satisfies ConfluenceRoute;
  return [
    route("/rest/api/space", "getSpaces", getSpaces),
    route("/rest/api/content/:id/child/attachment", "getAttachments", emptyChildren),
    route("/rest/api/content/:id/child/comment", "getContentComments", emptyChildren),
    route("/rest/api/content/:id/child/:type", "getContentChildrenByType", getContentChildrenByType),
    route("/rest/api/content/:id/label", "getLabelsForContent", getLabelsForContent),
    route("/rest/api/content/:id/descendant/:type", "getDescendantsOfType", getDescendantsOfType, false),
  ];
}

/** The listing omits `status` (measured: a trap for clients whose schema requires it). */
function getSpaces(ctx: ConfluenceContext): Response {
  const { store, access, query } = ctx;
  const paging = parsePaging(query, { defaultLimit: 25, maxLimit: 1000 });
  if (paging instanceof Response) return paging;
  const keys = new Set(listParam(query, "spaceKey").map((k) => k.toLowerCase()));
  const ids = new Set(listParam(query, "spaceId"));
  const type = query.get("type");
  const status = query.get("status");
  const matches = (s: Space) =>
    access.canViewSpace(s) &&
    (keys.size === 0 || keys.has(s.key.toLowerCase())) &&
    (ids.size === 0 || ids.has(s.id)) &&
    (!type || s.type === type) &&
    (!status || s.status === status);
  const view = viewOf(ctx);
  const spaces = [...store.spaces.values()]
    .filter(matches)
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((s) => {
      const { status: _omitted, ...rest } = renderSpace(view, s, false);
      return rest;
    });
  return ok(offsetPage(ctx, spaces, paging));
}

const CHILD_PAGING = { defaultLimit: 25, maxLimit: 200 };

/** The twin has no attachments or comments: the lists exist and are empty. */
function emptyChildren(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const paging = parsePaging(ctx.query, CHILD_PAGING);
  if (paging instanceof Response) return paging;
  const body: S["ContentArray"] = offsetPage(ctx, [], paging);
  return ok(body);
}

function getContentChildrenByType(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const { type } = ctx.params;
  if (type !== "page" && type !== "folder" && type !== "whiteboard" && type !== "database") {
    return v1Error(400, `Child content type ${type} is not supported`);
  }
  const paging = parsePaging(ctx.query, CHILD_PAGING);
  if (paging instanceof Response) return paging;
  const children =
    type === "page"
      ? ctx.store.childrenOf(content.id).filter((c) => c.status === "current" && ctx.access.canView(c))
      : [];
  return contentArrayPage(ctx, children, paging);
}

/** `depth=root` gives direct children, anything else (default `all`) the whole visible subtree. */
function getDescendantsOfType(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  if (ctx.params.type !== "page" && ctx.params.type !== "attachment" && ctx.params.type !== "comment") {
    return v1Error(400, `Descendant content type ${ctx.params.type} is not supported`);
  }
  const paging = parsePaging(ctx.query, CHILD_PAGING);
  if (paging instanceof Response) return paging;
  const found: Content[] = [];
  if (ctx.params.type === "page") {
    const all = ctx.query.get("depth") !== "root";
    const walk = (parentId: string) => {
      for (const child of ctx.store.childrenOf(parentId)) {
        // An invisible page hides its subtree (view restrictions inherit).
        if (child.status !== "current" || !ctx.access.canView(child)) continue;
        found.push(child);
        if (all) walk(child.id);
      }
    };
    walk(content.id);
  }
  return contentArrayPage(ctx, found, paging);
}

/** LabelArray; default and cap 200 (measured). */
function getLabelsForContent(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const paging = parsePaging(ctx.query, { defaultLimit: 200, maxLimit: 200 });
  if (paging instanceof Response) return paging;
  const prefix = ctx.query.get("prefix");
  const labels = content.labels
    .filter((l) => !prefix || l.prefix === prefix)
    .map((l) => ({ prefix: l.prefix, name: l.name, id: l.id, label: l.name }));
  const body: S["LabelArray"] = offsetPage(ctx, labels, paging);
  return ok(body);
}
