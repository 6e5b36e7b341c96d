import { json } from "../host/types.ts";
import type { ConfluenceContext } from "./context.ts";
import { intParam, V2ParamError } from "./params.ts";
import type { ConfluenceStore } from "./store.ts";

/**
 * v2 cursor pagination (docs/fidelity/confluence-v2.md). The cursor is opaque base64 JSON shaped like the
 * measured one, `{"id":"302737","contentOrder":"id","contentOrderValue":302737}`: the sort key and
 * id of the last item served. Resuming is a binary search for that key in the sorted list, so
 * removing an item between requests never makes later pages repeat or skip others; an item whose
 * sort key changes mid-crawl (edited under `-modified-date`) may be seen twice or not at all, as
 * with any keyset cursor.
 */
export interface Cursor {
  id: string;
  contentOrder: string;
  contentOrderValue: number | string;
}

/** How a list is ordered: `order` is the sort name (`id`, `title`, `child-position` …) stored in cursors. */
export interface SortSpec<T> {
  order: string;
  desc: boolean;
  key(item: T): number | string;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 250;

const BAD_CURSOR = () =>
  new V2ParamError(
    "Provided value for 'cursor' is not the correct type. Expected type is Cursor.",
    "The provided cursor was not valid. You can get a new valid cursor by making the original pagination request again.",
  );

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64");
}

/** Decodes `cursor`; a garbled one, or one minted for another sort order, is the measured 400. */
export function readCursor(query: URLSearchParams, order: string): Cursor | undefined {
  const raw = query.get("cursor");
  if (raw === null || raw === "") return undefined;
  // A raw `+` in a query string arrives as a space.
  const b64 = raw.replaceAll(" ", "+");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw BAD_CURSOR();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
  } catch {
    throw BAD_CURSOR();
  }
  if (!isCursor(parsed) || parsed.contentOrder !== order) throw BAD_CURSOR();
  // Title, key and name orders carry strings; every other order a number.
  const textual = order === "title" || order === "key" || order === "name";
  if (textual !== (typeof parsed.contentOrderValue === "string")) throw BAD_CURSOR();
  return parsed;
}

function isCursor(v: unknown): v is Cursor {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.id === "string" &&
    /^\d+$/.test(c.id) &&
    typeof c.contentOrder === "string" &&
    (typeof c.contentOrderValue === "number" || typeof c.contentOrderValue === "string")
  );
}

/** `limit`: default 25 (attachments 50); above the maximum it is clamped, below 1 it becomes 1. */
export function readLimit(query: URLSearchParams, fallback = DEFAULT_LIMIT, max = MAX_LIMIT): number {
  const n = intParam(query, "limit");
  if (n === undefined) return fallback;
  return Math.min(Math.max(n, 1), max);
}

/** Numeric-string ids compare by length first, so "99" < "100" without precision loss. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The total order of a sort: its key, then the id as a tie-breaker, both reversed for `-sort`. */
export function comparator<T extends { id: string }>(sort: SortSpec<T>): (a: T, b: T) => number {
  const dir = sort.desc ? -1 : 1;
  return (a, b) => dir * (compareKeys(sort.key(a), sort.key(b)) || compareIds(a.id, b.id));
}

/** Index of the first item strictly after the cursor position in a list sorted by `sort`. */
export function resumeIndex<T extends { id: string }>(
  sorted: readonly T[],
  sort: SortSpec<T>,
  cursor: Cursor,
): number {
  const dir = sort.desc ? -1 : 1;
  const afterCursor = (item: T) =>
    dir * (compareKeys(sort.key(item), cursor.contentOrderValue) || compareIds(item.id, cursor.id)) > 0;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (afterCursor(sorted[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the following page; absent on the last one. */
  next?: Cursor;
}

/**
 * One page from a sorted list: walk forward from the cursor, keep what `accept` admits (filters and
 * the permission evaluator), stop after `limit` and peek for one more so `next` is exact.
 * Cost: a binary search plus the items walked, never the whole list when visible items are dense.
 */
export function pageOf<T extends { id: string }>(
  sorted: readonly T[],
  sort: SortSpec<T>,
  cursor: Cursor | undefined,
  limit: number,
  accept: (item: T) => boolean,
): Page<T> {
  const items: T[] = [];
  let i = cursor ? resumeIndex(sorted, sort, cursor) : 0;
  for (; i < sorted.length; i++) {
    const item = sorted[i];
    if (!accept(item)) continue;
    if (items.length === limit) {
      const last = items[items.length - 1];
      return { items, next: { id: last.id, contentOrder: sort.order, contentOrderValue: sort.key(last) } };
    }
    items.push(item);
  }
  return { items };
}

/** Sorts an unsorted list and pages it (small lists: ids filters, children, labels). */
export function pageOfUnsorted<T extends { id: string }>(
  items: readonly T[],
  sort: SortSpec<T>,
  cursor: Cursor | undefined,
  limit: number,
  accept: (item: T) => boolean = () => true,
): Page<T> {
  return pageOf([...items].sort(comparator(sort)), sort, cursor, limit, accept);
}

/**
 * Sorted lists kept per store revision, so a crawl paging through 100k pages sorts once, not once
 * per request. Any mutation bumps the revision and empties the cache.
 */
const sortedCache = new WeakMap<ConfluenceStore, { revision: number; lists: Map<string, unknown[]> }>();
const MAX_CACHED_LISTS = 64;

export function cachedSorted<T>(store: ConfluenceStore, key: string, build: () => T[]): readonly T[] {
  let entry = sortedCache.get(store);
  if (!entry || entry.revision !== store.revision) {
    entry = { revision: store.revision, lists: new Map() };
    sortedCache.set(store, entry);
  }
  let list = entry.lists.get(key) as T[] | undefined;
  if (!list) {
    if (entry.lists.size >= MAX_CACHED_LISTS) entry.lists.clear();
    list = build();
    entry.lists.set(key, list);
  }
  return list;
}

/** The request path under the `/wiki` context, never with the gateway prefix ([A-V2]). */
export function wikiPath(ctx: ConfluenceContext): string {
  const p = ctx.url.pathname;
  const at = p.indexOf("/wiki/");
  return at >= 0 ? p.slice(at) : p;
}

/** The `next` URL: same path, the caller's filters echoed as sent, the new cursor last. */
export function nextLink(ctx: ConfluenceContext, cursor: Cursor): string {
  const kept = ctx.url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((part) => part !== "" && !/^cursor(=|$)/.test(part));
  const encoded = encodeURIComponent(encodeCursor(cursor)).replaceAll("%3D", "=");
  return `${wikiPath(ctx)}?${[...kept, `cursor=${encoded}`].join("&")}`;
}

/**
 * A v2 list answer: `{results, _links:{next?, base}}`, and when there is a next page a `Link`
 * header with rel="next" and rel="base" (none on the last page).
 */
export function listResponse(ctx: ConfluenceContext, results: unknown[], next: Cursor | undefined): Response {
  const headers: Record<string, string> = {};
  if (!next) return json({ results, _links: { base: ctx.base } });
  const link = nextLink(ctx, next);
  headers.link = `<${link}>; rel="next", <${ctx.base}>; rel="base"`;
  return json({ results, _links: { next: link, base: ctx.base } }, 200, headers);
}

/** Cap for `include-*` blocks on single objects. */
export const INCLUDE_CAP = 50;

/**
 * An `include-*` block: `{results, meta:{hasMore, cursor?}, _links:{self}}`, at most 50 items in
 * `sort` order; `meta.cursor` continues on the `self` list route with that route's default sort.
 */
export function includeBlock<T extends { id: string }, R>(
  items: readonly T[],
  sort: SortSpec<T>,
  self: string,
  render: (item: T) => R,
): { results: R[]; meta: { hasMore: boolean; cursor?: string }; _links: { self: string } } {
  const page = pageOfUnsorted(items, sort, undefined, INCLUDE_CAP);
  const meta: { hasMore: boolean; cursor?: string } = { hasMore: page.next !== undefined };
  if (page.next) meta.cursor = encodeCursor(page.next);
  return { results: page.items.map(render), meta, _links: { self } };
}
