/**
 * `searchByCql`: the domain behind GET /wiki/rest/api/search and /wiki/rest/api/content/search.
 * Parses and validates the CQL, plans with the indexes, evaluates, applies the status and
 * archived-space rules and the caller's permissions, sorts and pages with an opaque cursor.
 * Returns plain values; routes turn them into JSON with shape.ts.
 *
 * Permission mechanics follow how the real index behaves: space permissions filter the hit list
 * (so they count in totalSize), content restrictions trim each page after it is cut, so a page
 * can be shorter than `limit` while `next` still leads on (measured: a short page is not the end).
 */
import type { Content } from "../model.ts";
import type { AccessEvaluator } from "../permissions.ts";
import type { ConfluenceStore } from "../store.ts";
import type { Query } from "./ast.ts";
import { clausesOf } from "./ast.ts";
import { type CqlBadRequestBody, CqlSyntaxError, cqlBadRequestBody } from "./errors.ts";
import { compile, type EvalContext } from "./evaluator.ts";
import { fieldSpec } from "./fields.ts";
import { indexesFor } from "./indexes.ts";
import { plan } from "./planner.ts";
import { parseTextQuery, type TextQuery } from "./text.ts";
import { type CqlEndpoint, checkCql, type ValidateOptions } from "./validate.ts";

export interface CqlSearchParams {
  cql: string;
  /** Raw `cqlcontext` JSON: `{"spaceKey":"TEST","contentId":"123","contentStatuses":["current"]}`. */
  cqlcontext?: string;
  /** Page size; default 25. Capped by `expand` (body.storage → 50, export/styled view → 25). */
  limit?: number;
  cursor?: string;
  /** Expansions requested (comma lists already split); only used for the result cap. */
  expand?: string[];
  includeArchivedSpaces?: boolean;
  excludeCurrentSpaces?: boolean;
  endpoint?: Exclude<CqlEndpoint, "user-search">;
  leadingNegation?: ValidateOptions["leadingNegation"];
  /**
   * "page" (default): content restrictions trim each page after it is cut (short pages, like the
   * real index). "exact": pages are cut from permitted results only.
   */
  restrictionTrim?: "page" | "exact";
  /** false forces a full scan (the planner's results must equal it; tests compare both). */
  usePlanner?: boolean;
}

export interface CqlSearchResult {
  /** The CQL as given, echoed as `cqlQuery`. */
  cql: string;
  query: Query;
  results: Content[];
  /** Offset of this page in the hit list. */
  start: number;
  limit: number;
  /** Hits after space permissions and status rules (content restrictions not subtracted). */
  totalSize: number;
  /** Hits in archived spaces left out because includeArchivedSpaces was false. */
  archivedResultCount: number;
  nextCursor?: string;
  /** Offset the next page starts at (what `_links.next` reports as `start`). */
  nextStart?: number;
  /** Cursor back to the page before this one (present once `start > 0`). */
  prevCursor?: string;
  prevStart?: number;
  /** Every `~` clause's text query, for highlighting titles and excerpts. */
  textQueries: TextQuery[];
  /** How the planner found candidates (for the journal and tests). */
  plan: string;
}

export type CqlSearchOutcome =
  | { ok: true; result: CqlSearchResult }
  | { ok: false; status: 400; body: CqlBadRequestBody; error: CqlSyntaxError };

export const DEFAULT_SEARCH_LIMIT = 25;

/** The result cap an expansion imposes (Atlassian's v1 search docs; docs/fidelity/cql.md). */
export function expandCap(expand: readonly string[] | undefined): number | undefined {
  if (!expand) return undefined;
  if (expand.some((e) => e.startsWith("body.export_view") || e.startsWith("body.styled_view"))) return 25;
  if (expand.some((e) => e.startsWith("body."))) return 50;
  return undefined;
}

export function searchByCql(access: AccessEvaluator, params: CqlSearchParams): CqlSearchOutcome {
  const fail = (error: CqlSyntaxError): CqlSearchOutcome => ({
    ok: false,
    status: 400,
    body: cqlBadRequestBody(params.cql),
    error,
  });
  const checked = checkCql(params.cql, {
    endpoint: params.endpoint ?? "search",
    leadingNegation: params.leadingNegation,
  });
  if (!checked.ok) return fail(checked.error);
  const query = checked.query;
  const { store } = access;
  const context = parseCqlContext(params.cqlcontext);
  const subject = access.subject;
  const ctx: EvalContext = {
    store,
    now: store.clock.now(),
    // CQL dates are read in the caller's profile zone, which defaults to the site's.
    timeZone: access.user?.timeZone ?? store.site.timeZone,
    currentUser: subject.type === "user" ? subject.accountId : undefined,
    spaceKey: context.spaceKey,
    contentId: context.contentId,
  };
  const trim = params.restrictionTrim ?? "page";
  let found: Hits;
  try {
    found = hitsFor(store, hitsKey(access, params, trim), () =>
      findHits(access, params, query, ctx, context, trim),
    );
  } catch (error) {
    if (error instanceof CqlSyntaxError) return fail(error);
    throw error;
  }
  const { list, archivedResultCount } = found;
  const sort = sortKeyFor(query, ctx);

  const cap = expandCap(params.expand);
  const requested =
    params.limit === undefined || !Number.isFinite(params.limit) ? DEFAULT_SEARCH_LIMIT : params.limit;
  const limit = Math.max(1, Math.min(Math.trunc(requested), cap ?? Number.POSITIVE_INFINITY));
  const cursor = params.cursor ? decodeSearchCursor(params.cursor) : undefined;
  let start = 0;
  let stop: number;
  if (cursor?.direction === "before") {
    stop = bound(list, sort, cursor.key, false);
    start = Math.max(0, stop - limit);
  } else {
    if (cursor) start = bound(list, sort, cursor.key, true);
    stop = start + limit;
  }
  const slice = list.slice(start, stop);
  const results = trim === "exact" ? slice : slice.filter((c) => access.restrictionsAdmit(c));
  const end = start + slice.length;
  const nextCursor =
    end < list.length && slice.length > 0
      ? encodeSearchCursor(end, sort.key(slice[slice.length - 1]))
      : undefined;
  const prevCursor =
    start > 0 && slice.length > 0
      ? encodeSearchCursor(Math.max(0, start - limit), sort.key(slice[0]), "before")
      : undefined;
  const textQueries = clausesOf(query.where)
    .filter((c) => c.op === "~" && !Array.isArray(c.value) && c.value.kind === "string")
    .map((c) => parseTextQuery((c.value as { value: string }).value));
  return {
    ok: true,
    result: {
      cql: params.cql,
      query,
      results,
      start,
      limit,
      totalSize: list.length,
      archivedResultCount,
      nextCursor,
      nextStart: nextCursor ? end : undefined,
      prevCursor,
      prevStart: prevCursor ? Math.max(0, start - limit) : undefined,
      textQueries,
      plan: found.explain,
    },
  };
}

/** Every match of one query for one caller, sorted (pages are slices of it). */
interface Hits {
  list: Content[];
  archivedResultCount: number;
  explain: string;
}

function findHits(
  access: AccessEvaluator,
  params: CqlSearchParams,
  query: Query,
  ctx: EvalContext,
  context: CqlContext,
  trim: "page" | "exact",
): Hits {
  const { store } = access;
  const predicate = compile(query.where, ctx);
  const chosen =
    params.usePlanner === false
      ? { candidates: undefined, explain: "scan" }
      : plan(query.where, ctx, indexesFor(store));
  const statuses = new Set(context.contentStatuses ?? ["current"]);
  const includeArchived = params.includeArchivedSpaces ?? false;
  const excludeCurrent = params.excludeCurrentSpaces ?? false;
  const hits: Content[] = [];
  let archivedResultCount = 0;
  for (const c of chosen.candidates ?? store.content.values()) {
    if (!statuses.has(c.status)) continue;
    const space = store.spaces.get(c.spaceId);
    if (!space || !access.canViewSpace(space)) continue;
    const archived = space.status === "archived";
    if ((archived && !includeArchived) || (!archived && excludeCurrent)) {
      if (archived && predicate(c)) archivedResultCount++;
      continue;
    }
    if (predicate(c)) hits.push(c);
  }
  const list = trim === "exact" ? hits.filter((c) => access.restrictionsAdmit(c)) : hits;
  list.sort(sortKeyFor(query, ctx).compare);
  return { list, archivedResultCount, explain: chosen.explain };
}

/** Everything a hit list depends on besides the store's state and the clock. */
function hitsKey(access: AccessEvaluator, params: CqlSearchParams, trim: string): string {
  const s = access.subject;
  return [
    s.type === "user" ? `user:${s.accountId}` : s.type === "group" ? `group:${s.groupId}` : s.type,
    params.cql,
    params.cqlcontext ?? "",
    trim,
    params.includeArchivedSpaces ?? false,
    params.excludeCurrentSpaces ?? false,
    params.usePlanner ?? true,
  ].join("\u0000");
}

/**
 * Hit lists kept per store revision and simulated instant: a crawler paging through a big result
 * set evaluates and sorts it once, not once per page. Any mutation or clock move starts over.
 */
const hitLists = new WeakMap<ConfluenceStore, { revision: number; now: number; lists: Map<string, Hits> }>();
const MAX_HIT_LISTS = 64;

function hitsFor(store: ConfluenceStore, key: string, find: () => Hits): Hits {
  let entry = hitLists.get(store);
  const now = store.clock.now();
  if (!entry || entry.revision !== store.revision || entry.now !== now) {
    entry = { revision: store.revision, now, lists: new Map() };
    hitLists.set(store, entry);
  }
  let hits = entry.lists.get(key);
  if (!hits) {
    if (entry.lists.size >= MAX_HIT_LISTS) entry.lists.clear();
    hits = find();
    entry.lists.set(key, hits);
  }
  return hits;
}

interface CqlContext {
  spaceKey?: string;
  contentId?: string;
  contentStatuses?: string[];
}

/** `cqlcontext` JSON; unparseable context is ignored (guess: not measured). */
export function parseCqlContext(raw: string | undefined): CqlContext {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v !== "object" || v === null) return {};
    return {
      spaceKey: typeof v.spaceKey === "string" ? v.spaceKey : undefined,
      contentId:
        typeof v.contentId === "string" || typeof v.contentId === "number" ? String(v.contentId) : undefined,
      contentStatuses: Array.isArray(v.contentStatuses)
        ? v.contentStatuses.filter((s): s is string => typeof s === "string")
        : undefined,
    };
  } catch {
    return {};
  }
}

type SortValue = number | string;

interface SortKey {
  /** Sort values of one item (for cursors); the last is the id tie-breaker. */
  key(c: Content): SortValue[];
  /** 1 ascending, -1 descending, per value (the final id tie-breaker is ascending). */
  dirs: Array<1 | -1>;
  /** The same order as a comparator that allocates nothing (sorting 100k hits stays cheap). */
  compare(a: Content, b: Content): number;
}

function sortKeyFor(query: Query, ctx: EvalContext): SortKey {
  const keys =
    query.orderBy.length > 0 ? query.orderBy : [{ field: "lastmodified", direction: "desc" as const }];
  const getters = keys.map((k) => sortValue(fieldSpec(k.field)?.name.toLowerCase() ?? k.field, ctx));
  const dirs = keys.map((k): 1 | -1 => (k.direction === "desc" ? -1 : 1));
  return {
    key: (c) => [...getters.map((g) => g(c)), idValue(c.id)],
    dirs: [...dirs, 1],
    compare: (a, b) => {
      for (let i = 0; i < getters.length; i++) {
        const x = getters[i](a);
        const y = getters[i](b);
        if (x !== y) return (x < y ? -1 : 1) * dirs[i];
      }
      return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    },
  };
}

/** Ids sort numerically; padding keeps them comparable as strings of any length. */
function idValue(id: string): string {
  return id.padStart(24, "0");
}

function sortValue(field: string, ctx: EvalContext): (c: Content) => SortValue {
  switch (field) {
    case "created":
      return (c) => c.createdAt;
    case "lastmodified":
      return (c) => c.version.createdAt;
    case "title":
      return (c) => c.title.toLowerCase();
    case "id":
    case "content":
      return (c) => Number(c.id);
    case "type":
      return (c) => c.type;
    case "space":
    case "space.key":
      return (c) => ctx.store.spaces.get(c.spaceId)?.key.toLowerCase() ?? "";
    case "creator":
      return (c) => c.authorId;
    case "parent":
      return (c) => Number(c.parentId ?? 0);
    default:
      return () => 0;
  }
}

function compareKeys(a: SortValue[], b: SortValue[], dirs: Array<1 | -1>): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === b[i]) continue;
    return (a[i] < b[i] ? -1 : 1) * dirs[i];
  }
  return 0;
}

/**
 * Search-after / search-before resume: the first index whose key sorts after `key` (`strict`),
 * or at-or-after it. Stable when items vanish between pages.
 */
function bound(list: Content[], sort: SortKey, key: SortValue[], strict: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(sort.key(list[mid]), key, sort.dirs);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Cursor shaped like the measured one (`_f_MQ==_sa_WyJc…`): `_f_` + base64 of the page offset,
 * `_sa_` ("search after") + base64 of the last hit's sort values; `_sb_` ("search before") with
 * the first hit's values for `prev` links. Opaque to clients.
 */
export function encodeSearchCursor(
  start: number,
  key: SortValue[],
  direction: "after" | "before" = "after",
): string {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  return `_f_${b64(String(start))}_${direction === "after" ? "sa" : "sb"}_${b64(JSON.stringify(key))}`;
}

export interface SearchCursor {
  start: number;
  key: SortValue[];
  direction: "after" | "before";
}

/** Undefined for anything that is not one of our cursors (the search then starts over: guess). */
export function decodeSearchCursor(cursor: string): SearchCursor | undefined {
  const m = /^_f_([A-Za-z0-9+/=]+)_(sa|sb)_([A-Za-z0-9+/=]+)$/.exec(cursor.replaceAll(" ", "+"));
  if (!m) return undefined;
  try {
    const start = Number(Buffer.from(m[1], "base64").toString("utf8"));
    const key = JSON.parse(Buffer.from(m[3], "base64").toString("utf8")) as unknown;
    if (!Number.isInteger(start) || !Array.isArray(key)) return undefined;
    if (!key.every((v) => typeof v === "number" || typeof v === "string")) return undefined;
    return { start, key: key as SortValue[], direction: m[2] === "sa" ? "after" : "before" };
  } catch {
    return undefined;
  }
}
