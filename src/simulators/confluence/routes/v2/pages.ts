import { json } from "../../../host/types.ts";
import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import type { Content } from "../../model.ts";
import {
  listResponse,
  pageOf,
  pageOfUnsorted,
  readCursor,
  readLimit,
  type SortSpec,
} from "../../pagination.ts";
import { enumParam, intParam } from "../../params.ts";
import { renderChildPage, renderDescendant, renderDirectChild } from "../../render/v2.ts";
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

interface Descendant {
  id: string;
  content: Content;
  depth: number;
  order: number;
}

const DESCENDANT_ORDER: SortSpec<Descendant> = {
  order: "descendant-order",
  desc: false,
  key: (d) => d.order,
};

/**
 * Visible current/archived descendants top to bottom (level by level, siblings in child-position
 * order) down to `maxDepth`. An invisible page hides its subtree too (view restrictions inherit).
 */
function descendantsOf(ctx: ConfluenceContext, root: Content, maxDepth: number): Descendant[] {
  const out: Descendant[] = [];
  let level = [root];
  for (let depth = 1; depth <= maxDepth && level.length; depth++) {
    const next: Content[] = [];
    for (const parent of level) {
      for (const child of ctx.store.childrenOf(parent.id)) {
        if ((child.status !== "current" && child.status !== "archived") || !ctx.access.canView(child))
          continue;
        out.push({ id: child.id, content: child, depth, order: out.length });
        next.push(child);
      }
    }
    level = next;
  }
  return out;
}

/** Page routes: the shared content routes plus the tree (children, direct-children, descendants, ancestors). */
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
    v2("GET", "/pages/:id/descendants", "getPageDescendants", (ctx) => {
      const q = ctx.query;
      const limit = readLimit(q);
      // Measured on folders: depth defaults to 2, is capped at 10, deeper levels silently omitted.
      const depth = Math.min(Math.max(intParam(q, "depth") ?? 2, 1), 10);
      const cursor = readCursor(q, "descendant-order");
      const root = requireContent(ctx, ctx.params.id, "page");
      const items = descendantsOf(ctx, root, depth);
      const page = pageOf(items, DESCENDANT_ORDER, cursor, limit, () => true);
      return listResponse(
        ctx,
        page.items.map((d) => renderDescendant(d.content, d.depth)),
        page.next,
      );
    }),
    // Highest ancestor first; with a limit, the nearest `limit` ancestors (callers continue from
    // the first one returned), and no `_links` (docs/fidelity/confluence-v2.md).
    v2("GET", "/pages/:id/ancestors", "getPageAncestors", (ctx) => {
      const limit = Math.min(Math.max(intParam(ctx.query, "limit") ?? 25, 1), 250);
      const page = requireContent(ctx, ctx.params.id, "page");
      const ancestors = ctx.store.ancestorsOf(page).filter((a) => ctx.access.canView(a));
      return json({ results: ancestors.slice(-limit).map((a) => ({ id: a.id, type: "page" as const })) });
    }),
  ];
}
