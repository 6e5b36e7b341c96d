import type { ConfluenceContext } from "../../context.ts";
import type { Content, ContentStatus, ContentType } from "../../model.ts";
import { type Cursor, cachedSorted, comparator, type Page, pageOf, type SortSpec } from "../../pagination.ts";

/** Sort orders of `/pages` (PageSortOrder) and `/blogposts` (BlogPostSortOrder, no title). */
export const PAGE_SORTS = [
  "id",
  "-id",
  "created-date",
  "-created-date",
  "modified-date",
  "-modified-date",
  "title",
  "-title",
] as const;
export const BLOGPOST_SORTS = PAGE_SORTS.filter((s) => !s.endsWith("title"));
export const CHILD_SORTS = [
  "created-date",
  "-created-date",
  "id",
  "-id",
  "child-position",
  "-child-position",
  "modified-date",
  "-modified-date",
] as const;

const KEYS: Record<string, (c: Content) => number | string> = {
  id: (c) => Number(c.id),
  "created-date": (c) => c.createdAt,
  "modified-date": (c) => c.version.createdAt,
  title: (c) => c.title,
  "child-position": (c) => c.position ?? 0,
};

export function contentSort(name: string): SortSpec<Content> {
  const desc = name.startsWith("-");
  const order = desc ? name.slice(1) : name;
  return { order, desc, key: KEYS[order] };
}

export interface ContentQuery {
  type: ContentType;
  ids?: string[];
  spaceIds?: string[];
  statuses: readonly ContentStatus[];
  title?: string;
  /** `depth=root`: only pages without a parent. */
  rootOnly?: boolean;
  sort: string;
}

/**
 * One page of content for a list route. Candidates come from the narrowest index (explicit ids,
 * then the space index, then everything), already sorted and cached per store revision; the walk
 * applies the filters and the caller's permissions and stops after `limit` + 1 matches.
 */
export function listContent(
  ctx: ConfluenceContext,
  q: ContentQuery,
  cursor: Cursor | undefined,
  limit: number,
): Page<Content> {
  const { store, access } = ctx;
  const sort = contentSort(q.sort);
  const cmp = comparator(sort);
  const ofType = (c: Content | undefined): c is Content => c !== undefined && c.type === q.type;
  let sorted: readonly Content[];
  if (q.ids) {
    const spaces = q.spaceIds ? new Set(q.spaceIds) : undefined;
    sorted = [...new Set(q.ids)]
      .map((id) => store.content.get(id))
      .filter(ofType)
      .filter((c) => !spaces || spaces.has(c.spaceId))
      .sort(cmp);
  } else if (q.spaceIds) {
    const visible = [...new Set(q.spaceIds)].filter((id) => {
      const space = store.spaces.get(id);
      return space !== undefined && access.canViewSpace(space);
    });
    const perSpace = (id: string) =>
      cachedSorted(store, `space:${id}:${q.type}:${q.sort}`, () =>
        store.contentInSpace(id).filter(ofType).sort(cmp),
      );
    sorted =
      visible.length === 1
        ? perSpace(visible[0])
        : cachedSorted(store, `spaces:${visible.sort().join(",")}:${q.type}:${q.sort}`, () =>
            visible.flatMap(perSpace).sort(cmp),
          );
  } else {
    sorted = cachedSorted(store, `all:${q.type}:${q.sort}`, () =>
      [...store.content.values()].filter(ofType).sort(cmp),
    );
  }
  const statuses = new Set(q.statuses);
  return pageOf(
    sorted,
    sort,
    cursor,
    limit,
    (c) =>
      statuses.has(c.status) &&
      (q.title === undefined || c.title === q.title) &&
      (!q.rootOnly || c.parentId === null) &&
      access.canView(c),
  );
}
