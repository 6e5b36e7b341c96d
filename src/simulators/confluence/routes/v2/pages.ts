import { json } from "../../../host/types.ts";
import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import type { Content } from "../../model.ts";
import { listResponse, pageOfUnsorted, readCursor, readLimit } from "../../pagination.ts";
import { enumParam, intParam } from "../../params.ts";
import { renderChildPage, renderDirectChild } from "../../render/v2.ts";
import { requireContent, v2 } from "./common.ts";
import { CHILD_SORTS, contentSort } from "./content-list.ts";
import { contentRoutes, PAGE_KIND } from "./content-routes.ts";

/** Children the caller can see, in the requested order (default child-position). */
function childrenPage(ctx: ConfluenceContext) {
  const q = ctx.query;
  const sortName = enumParam(q, "sort", CHILD_SORTS, "ChildPageSortOrder") ?? "child-position";
  const limit = readLimit(q);
  const sort = contentSort(sortName);
  const cursor = readCursor(q, sort.order);
  const parent = requireContent(ctx, ctx.params.id, "page");
  return pageOfUnsorted(
    ctx.store.childrenOf(parent.id),
    sort,
    cursor,
    limit,
    (c: Content) => (c.status === "current" || c.status === "archived") && ctx.access.canView(c),
  );
}

/** Page routes: the shared content routes plus the tree (children, direct-children, ancestors). */
export function pageRoutes(): ConfluenceRoute[] {
  return [
    ...contentRoutes(PAGE_KIND),
    v2("GET", "/pages/:id/children", "getChildPages", (ctx) => {
      const page = childrenPage(ctx);
      return listResponse(ctx, page.items.map(renderChildPage), page.next);
    }),
    v2("GET", "/pages/:id/direct-children", "getPageDirectChildren", (ctx) => {
      const page = childrenPage(ctx);
      return listResponse(ctx, page.items.map(renderDirectChild), page.next);
    }),
    // Highest ancestor first; with a limit, the nearest `limit` ancestors (callers continue from
    // the first one returned), and no `_links` (confluence-api.md §2.1).
    v2("GET", "/pages/:id/ancestors", "getPageAncestors", (ctx) => {
      const limit = Math.min(Math.max(intParam(ctx.query, "limit") ?? 25, 1), 250);
      const page = requireContent(ctx, ctx.params.id, "page");
      const ancestors = ctx.store.ancestorsOf(page).filter((a) => ctx.access.canView(a));
      return json({ results: ancestors.slice(-limit).map((a) => ({ id: a.id, type: "page" as const })) });
    }),
  ];
}
