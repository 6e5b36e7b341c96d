/**
 * Wire shapes for the two CQL endpoints, built from a CqlSearchResult:
 * - GET /wiki/rest/api/search → SearchPageResponse (every key confluence.js requires:
 *   results[].title/excerpt/url/breadcrumbs/entityType/iconCssClass/lastModified, start, limit,
 *   size, totalSize, cqlQuery, searchDuration, _links), highlight markers per `excerpt`.
 * - GET /wiki/rest/api/content/search → ContentArray with a cursor `next` and no totalSize.
 * Both page by cursor only: `start` is reported but never read (deprecated since 2020).
 */
import { json } from "../../host/types.ts";
import type { Content } from "../model.ts";
import { iso } from "../render/links.ts";
import { renderContent } from "../render/v1.ts";
import { Expand, type V1View } from "../render/v1-view.ts";
import type { ConfluenceStore } from "../store.ts";
import { type CqlBadRequestBody, cqlBadRequestBody } from "./errors.ts";
import { bodyTextOf } from "./indexes.ts";
import type { CqlSearchResult } from "./search.ts";
import { escapeHtml, highlight, type TextQuery } from "./text.ts";

export type ExcerptMode = "highlight" | "indexed" | "none" | "highlight_unescaped" | "indexed_unescaped";

export const EXCERPT_MODES: readonly ExcerptMode[] = [
  "highlight",
  "indexed",
  "none",
  "highlight_unescaped",
  "indexed_unescaped",
];

/** Excerpt length in characters (guess: real excerpts run to a few hundred characters). */
export const EXCERPT_LENGTH = 300;

export interface ShapeContext {
  store: ConfluenceStore;
  /** `https://SITE.atlassian.net/wiki` — never the gateway. */
  base: string;
  /** The request's query string, to echo params into `_links.self` / `_links.next`. */
  query: URLSearchParams;
  /** Filters nested lists by the caller's view permission (passed through to the renderer). */
  canView?: (content: Content) => boolean;
}

export interface SearchResultItem {
  content: ReturnType<typeof renderContent>;
  title: string;
  excerpt: string;
  url: string;
  resultGlobalContainer: { title: string; displayUrl: string };
  breadcrumbs: [];
  entityType: "content";
  iconCssClass: string;
  lastModified: string;
  friendlyLastModified: string;
  score: number;
}

export interface SearchPageResponse {
  results: SearchResultItem[];
  start: number;
  limit: number;
  size: number;
  totalSize: number;
  cqlQuery: string;
  searchDuration: number;
  archivedResultCount?: number;
  _links: { base: string; context: "/wiki"; self: string; next?: string; prev?: string };
}

export interface ContentArrayResponse {
  results: ReturnType<typeof renderContent>[];
  start: number;
  limit: number;
  size: number;
  _links: { base: string; context: "/wiki"; self: string; next?: string; prev?: string };
}

/** `excerpt` param → mode; unknown values fall back to the default (guess). */
export function excerptMode(raw: string | null | undefined): ExcerptMode {
  return EXCERPT_MODES.includes(raw as ExcerptMode) ? (raw as ExcerptMode) : "highlight";
}

export function searchPageResponse(
  ctx: ShapeContext,
  result: CqlSearchResult,
  options: { excerpt?: ExcerptMode; searchDuration?: number } = {},
): SearchPageResponse {
  const mode = options.excerpt ?? excerptMode(ctx.query.get("excerpt"));
  // On /search, expansions address the result: `content.body.storage`, `content.space` …
  const view: V1View = {
    store: ctx.store,
    base: ctx.base,
    expand: new Expand(ctx.query.getAll("expand")).under("content"),
    canView: ctx.canView,
  };
  const results = result.results.map((c) => searchResultItem(view, c, result.textQueries, mode));
  const out: SearchPageResponse = {
    results,
    start: result.start,
    limit: result.limit,
    size: results.length,
    totalSize: result.totalSize,
    cqlQuery: result.cql,
    searchDuration: options.searchDuration ?? 0,
    _links: links(ctx, "/rest/api/search", result),
  };
  if (result.archivedResultCount > 0) out.archivedResultCount = result.archivedResultCount;
  return out;
}

export function contentArrayResponse(ctx: ShapeContext, result: CqlSearchResult): ContentArrayResponse {
  const view: V1View = {
    store: ctx.store,
    base: ctx.base,
    expand: new Expand(ctx.query.getAll("expand")),
    canView: ctx.canView,
  };
  const results = result.results.map((c) => renderContent(view, c, false));
  return {
    results,
    start: result.start,
    limit: result.limit,
    size: results.length,
    _links: links(ctx, "/rest/api/content/search", result),
  };
}

/** The 400 every unparseable or unacceptable CQL gets, as a Response. */
export function cqlBadRequest(cql: string): Response {
  const body: CqlBadRequestBody = cqlBadRequestBody(cql);
  return json(body, 400);
}

function searchResultItem(
  view: V1View,
  c: Content,
  queries: TextQuery[],
  mode: ExcerptMode,
): SearchResultItem {
  const space = view.store.spaces.get(c.spaceId);
  const content = renderContent(view, c, false);
  const escaped = !mode.endsWith("_unescaped");
  const markers = mode.startsWith("highlight");
  const query = mergeQueries(queries);
  const title = markers
    ? highlight(c.title, query, { escape: escaped })
    : escaped
      ? escapeHtml(c.title)
      : c.title;
  // The plain text is cached per content version: not built for results that show no excerpt.
  const excerpt =
    mode === "none"
      ? ""
      : highlight(bodyTextOf(c), markers ? query : undefined, { escape: escaped, maxLength: EXCERPT_LENGTH });
  return {
    content,
    title,
    excerpt,
    url: String(content._links?.webui ?? ""),
    resultGlobalContainer: { title: space?.name ?? "", displayUrl: `/spaces/${space?.key ?? ""}` },
    breadcrumbs: [],
    entityType: "content",
    iconCssClass: `aui-icon content-type-${c.type}`,
    lastModified: iso(c.version.createdAt),
    friendlyLastModified: iso(c.version.createdAt),
    score: 0,
  };
}

function mergeQueries(queries: TextQuery[]): TextQuery | undefined {
  if (queries.length === 0) return undefined;
  return { alternatives: queries.flatMap((q) => q.alternatives) };
}

const PAGING_PARAMS = new Set(["cursor", "next", "prev", "start", "limit", "cql"]);

/**
 * `_links` like the measured ones: `self` absolute with the request's params, `next` (and `prev`)
 * relative to the context: `/rest/api/search?next=true&cursor=…&<other params>&limit=…&start=…&cql=…`.
 */
function links(ctx: ShapeContext, path: string, result: CqlSearchResult): SearchPageResponse["_links"] {
  const out: SearchPageResponse["_links"] = {
    base: ctx.base,
    context: "/wiki",
    self: `${ctx.base}${path}?${ctx.query.toString()}`,
  };
  const link = (marker: "next" | "prev", cursor: string, start: number) => {
    const params = new URLSearchParams();
    params.set(marker, "true");
    params.set("cursor", cursor);
    for (const [k, v] of ctx.query) if (!PAGING_PARAMS.has(k)) params.append(k, v);
    params.set("limit", String(result.limit));
    params.set("start", String(start));
    params.set("cql", result.cql);
    return `${path}?${params.toString()}`;
  };
  if (result.nextCursor)
    out.next = link("next", result.nextCursor, result.nextStart ?? result.start + result.results.length);
  if (result.prevCursor) out.prev = link("prev", result.prevCursor, result.prevStart ?? 0);
  return out;
}
