import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import type { Content, Label } from "../../model.ts";
import {
  cachedSorted,
  comparator,
  listResponse,
  pageOf,
  pageOfUnsorted,
  readCursor,
  readLimit,
  type SortSpec,
} from "../../pagination.ts";
import { arrayParam, enumParam, longArrayParam, longId } from "../../params.ts";
import { renderBlogPostBulk, renderLabel, renderPageBulk } from "../../render/v2.ts";
import { V2NotFound, v2 } from "./common.ts";
import { BLOGPOST_SORTS, contentSort, PAGE_SORTS } from "./content-list.ts";

interface LabelUse {
  id: string;
  label: Label;
  /** Content carrying the label, so a label is listed only when some of it is visible. */
  content: Content[];
}

/** Every label in use on the site, by id, rebuilt once per store revision. */
function labelIndex(ctx: ConfluenceContext): readonly LabelUse[] {
  return cachedSorted(ctx.store, "labels", () => {
    const byId = new Map<string, LabelUse>();
    for (const c of ctx.store.content.values()) {
      for (const label of c.labels) {
        let use = byId.get(label.id);
        if (!use) {
          use = { id: label.id, label, content: [] };
          byId.set(label.id, use);
        }
        use.content.push(c);
      }
    }
    return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
  });
}

/** Pages or blog posts carrying one label, visible to the caller, cursor-paged. */
function labelled(ctx: ConfluenceContext, type: "page" | "blogpost"): Response {
  const q = ctx.query;
  const sorts = type === "page" ? PAGE_SORTS : BLOGPOST_SORTS;
  const sortName =
    enumParam(q, "sort", sorts, type === "page" ? "PageSortOrder" : "BlogPostSortOrder") ?? "id";
  const spaceIds = longArrayParam(q, "space-id");
  const format = enumParam(q, "body-format", ["storage", "atlas_doc_format"], "PrimaryBodyRepresentation");
  const limit = readLimit(q);
  const sort = contentSort(sortName);
  const cursor = readCursor(q, sort.order);
  const id = longId(ctx.params.id);
  const use = labelIndex(ctx).find((u) => u.id === id);
  if (!use) throw new V2NotFound();
  const spaces = spaceIds ? new Set(spaceIds) : undefined;
  const page = pageOfUnsorted(
    use.content.filter((c) => c.type === type),
    sort,
    cursor,
    limit,
    (c) => c.status === "current" && (!spaces || spaces.has(c.spaceId)) && ctx.access.canView(c),
  );
  const render = type === "page" ? renderPageBulk : renderBlogPostBulk;
  return listResponse(
    ctx,
    page.items.map((c) => render(ctx.store, c, format)),
    page.next,
  );
}

export function labelRoutes(): ConfluenceRoute[] {
  return [
    v2("GET", "/labels/:id/pages", "getLabelPages", (ctx) => labelled(ctx, "page")),
    v2("GET", "/labels/:id/blogposts", "getLabelBlogPosts", (ctx) => labelled(ctx, "blogpost")),
    v2("GET", "/labels", "getLabels", (ctx) => {
      const q = ctx.query;
      const ids = longArrayParam(q, "label-id");
      const prefixes = arrayParam(q, "prefix");
      const sortName = enumParam(q, "sort", ["id", "-id", "name", "-name"], "LabelSortOrder") ?? "id";
      const desc = sortName.startsWith("-");
      const order = desc ? sortName.slice(1) : sortName;
      const sort: SortSpec<LabelUse> = {
        order,
        desc,
        key: order === "name" ? (u) => u.label.name : (u) => Number(u.id),
      };
      const limit = readLimit(q);
      const cursor = readCursor(q, order);
      const index = labelIndex(ctx);
      const sorted = order === "id" && !desc ? index : [...index].sort(comparator(sort));
      const idSet = ids ? new Set(ids) : undefined;
      const page = pageOf(
        sorted,
        sort,
        cursor,
        limit,
        (u) =>
          (!idSet || idSet.has(u.id)) &&
          (prefixes.length === 0 || prefixes.includes(u.label.prefix)) &&
          u.content.some((c) => ctx.access.canView(c)),
      );
      return listResponse(
        ctx,
        page.items.map((u) => renderLabel(u.label)),
        page.next,
      );
    }),
  ];
}
