import { json } from "../../../host/types.ts";
import type { ConfluenceContext } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import type { Content } from "../../model.ts";
import { renderContent } from "../../render/v1.ts";
import { Expand, type V1View } from "../../render/v1-view.ts";

/** The render view for this request: store, site base, expansions, the caller's view filter. */
export function viewOf(ctx: ConfluenceContext): V1View {
  return {
    store: ctx.store,
    base: ctx.base,
    expand: Expand.from(ctx.query),
    canView: (c) => ctx.access.canView(c),
  };
}

export interface OffsetPaging {
  start: number;
  limit: number;
}

export interface PagingRules {
  defaultLimit: number;
  /** Larger limits are clamped (and echoed clamped). */
  maxLimit: number;
  /** `/content` refuses huge offsets (measured: start=100001 → 400). */
  maxStart?: number;
}

const SPRING_MISMATCH = "org.springframework.web.method.annotation.MethodArgumentTypeMismatchException";

/** `start`/`limit` as v1 reads them; a non-integer is Spring's 400, never a 500. */
export function parsePaging(query: URLSearchParams, rules: PagingRules): OffsetPaging | Response {
  const read = (name: string, fallback: number): number | Response => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      return v1Error(
        400,
        `Failed to convert value of type 'java.lang.String' to required type 'int'; nested exception is java.lang.NumberFormatException: For input string: "${raw}"`,
        { exception: SPRING_MISMATCH },
      );
    }
    return Number(raw);
  };
  const start = read("start", 0);
  if (start instanceof Response) return start;
  const limit = read("limit", rules.defaultLimit);
  if (limit instanceof Response) return limit;
  if (rules.maxStart !== undefined && start > rules.maxStart) {
    return v1Error(
      400,
      "Start of this size is no longer supported, please use the next links or cursor-based pagination",
    );
  }
  return { start: Math.max(0, start), limit: Math.min(Math.max(0, limit), rules.maxLimit) };
}

export interface V1Page<T> {
  results: T[];
  start: number;
  limit: number;
  size: number;
  _links: { base: string; context: string; self: string; next?: string; prev?: string };
}

/**
 * A v1 offset page: `_links.next` is context-relative with the `next=true` marker and the other
 * query parameters echoed; `prev` once `start > 0`; no `next` when the rest fits ([A-V1]).
 */
export function offsetPage<T>(ctx: ConfluenceContext, all: T[], paging: OffsetPaging): V1Page<T> {
  const { start, limit } = paging;
  const results = all.slice(start, start + limit);
  const path = contextPath(ctx);
  const links: V1Page<T>["_links"] = { base: ctx.base, context: "/wiki", self: `${ctx.base}${path}` };
  const link = (marker: "next" | "prev", at: number) => {
    const q = new URLSearchParams();
    q.set(marker, "true");
    for (const [k, v] of ctx.query)
      if (!["start", "limit", "next", "prev", "cursor"].includes(k)) q.append(k, v);
    q.set("limit", String(limit));
    q.set("start", String(at));
    return `${path}?${q.toString()}`;
  };
  // limit=0 still gets a next link (measured on /content).
  if (start + limit < all.length || (limit === 0 && start < all.length))
    links.next = link("next", start + limit);
  if (start > 0) links.prev = link("prev", Math.max(0, start - limit));
  return { results, start, limit, size: results.length, _links: links };
}

/** A ContentArray page of `all`: sliced first, so only the returned items are rendered. */
export function contentArrayPage(ctx: ConfluenceContext, all: Content[], paging: OffsetPaging) {
  const page = offsetPage(ctx, all, paging);
  const view = viewOf(ctx);
  const body: components["schemas"]["ContentArray"] = {
    ...page,
    results: page.results.map((c) => renderContent(view, c, false)),
  };
  return ok(body);
}

/** The request path relative to the `/wiki` context, whichever prefix (site or gateway) it came on. */
export function contextPath(ctx: ConfluenceContext): string {
  const p = ctx.url.pathname;
  const i = p.indexOf("/wiki/");
  return i >= 0 ? p.slice(i + "/wiki".length) : p;
}

/** Content the caller may see, else the v1 404 (never a 403: existence is not leaked). */
export function visibleContent(ctx: ConfluenceContext, id: string): Content | Response {
  const content = ctx.store.content.get(id);
  if (!content || content.status === "deleted" || !ctx.access.canView(content)) {
    return v1Error(404, `No content found with id : ContentId{id=${id}}`);
  }
  return content;
}

export const ok = (body: unknown, status = 200) => json(body, status);

/** The JSON body, or undefined when it is missing or malformed (a body over the limit still throws: 413). */
export async function readJsonBody(ctx: { text(): Promise<string> }): Promise<unknown> {
  const text = await ctx.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `accountId=a,b` or `accountId=a&accountId=b`. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}
