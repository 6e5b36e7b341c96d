import { badRequest } from "../errors.ts";
import type { ExternalConnection, SchemaProperty } from "../model.ts";
import type { SearchHit } from "./search.ts";

/**
 * Refiners over refinable properties (searchRequest `aggregations`, `aggregationFilters`) and
 * `sortProperties`. Buckets count the ACL-trimmed, query-matched hits before paging; each bucket's
 * `aggregationFilterToken` is `"ǂǂ" + hex(utf-8 key)` as Graph returns it, and a filter
 * `field:"ǂǂ…"` (or `field:"value"`) keeps only hits with that value.
 */

export interface AggregationOption {
  field: string;
  size?: number;
  bucketDefinition?: {
    sortBy?: string;
    isDescending?: boolean;
    minimumCount?: number;
    prefixFilter?: string;
  };
}

export interface SortProperty {
  name: string;
  isDescending?: boolean;
}

export interface SearchBucket {
  key: string;
  count: number;
  aggregationFilterToken: string;
}

function invalid(message: string) {
  return badRequest(`SearchRequest Invalid (${message})`);
}

function findProperty(conns: ExternalConnection[], field: string): SchemaProperty | undefined {
  const f = field.toLowerCase();
  for (const c of conns) {
    const p = c.schema?.properties.find(
      (x) => x.name.toLowerCase() === f || x.aliases?.some((a) => a.toLowerCase() === f),
    );
    if (p) return p;
  }
  return undefined;
}

function values(hit: SearchHit, p: SchemaProperty): string[] {
  const v = hit.item.properties[p.name];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function filterToken(key: string): string {
  return `"ǂǂ${Buffer.from(key, "utf8").toString("hex")}"`;
}

/** Applies `aggregationFilters` (all must hold). */
export function applyAggregationFilters(
  hits: SearchHit[],
  filters: unknown,
  conns: ExternalConnection[],
): SearchHit[] {
  if (filters === undefined) return hits;
  if (!Array.isArray(filters) || !filters.every((f) => typeof f === "string"))
    throw invalid("aggregationFilters must be an array of strings");
  let out = hits;
  for (const f of filters as string[]) {
    const m = /^([A-Za-z0-9_]+):"?(.*?)"?$/.exec(f.trim());
    if (!m) throw invalid(`The aggregation filter '${f}' is not valid.`);
    const p = findProperty(conns, m[1]);
    if (!p?.isRefinable) throw invalid(`The aggregation filter field '${m[1]}' is not refinable.`);
    const wanted = m[2].startsWith("ǂǂ") ? Buffer.from(m[2].slice(2), "hex").toString("utf8") : m[2];
    out = out.filter((h) => values(h, p).includes(wanted));
  }
  return out;
}

export function aggregate(hits: SearchHit[], options: unknown, conns: ExternalConnection[]) {
  if (options === undefined) return undefined;
  if (!Array.isArray(options)) throw invalid("aggregations must be an array");
  return (options as AggregationOption[]).map((o) => {
    if (typeof o?.field !== "string") throw invalid("aggregations[].field is required");
    const size = o.size ?? 10;
    if (!Number.isInteger(size) || size < 1 || size > 65535)
      throw invalid("aggregation size must be between 1 and 65535");
    const p = findProperty(conns, o.field);
    if (!p?.isRefinable) throw invalid(`The aggregation field '${o.field}' is not refinable.`);
    const counts = new Map<string, number>();
    for (const h of hits) for (const v of new Set(values(h, p))) counts.set(v, (counts.get(v) ?? 0) + 1);
    const def = o.bucketDefinition ?? {};
    let buckets = [...counts.entries()].filter(
      ([k, n]) => n >= (def.minimumCount ?? 0) && (!def.prefixFilter || k.startsWith(def.prefixFilter)),
    );
    const desc = def.isDescending ?? true;
    const sortBy = def.sortBy ?? "count";
    buckets.sort((a, b) => {
      const c =
        sortBy === "keyAsNumber"
          ? Number(a[0]) - Number(b[0])
          : sortBy === "keyAsString"
            ? a[0].localeCompare(b[0])
            : a[1] - b[1];
      return (desc ? -c : c) || a[0].localeCompare(b[0]);
    });
    buckets = buckets.slice(0, size);
    return {
      field: o.field,
      buckets: buckets.map(
        ([key, count]): SearchBucket => ({ key, count, aggregationFilterToken: filterToken(key) }),
      ),
    };
  });
}

/** `sortProperties` (≤ 5, refinable properties) replace relevance ordering. */
export function sortHits(hits: SearchHit[], sort: unknown, conns: ExternalConnection[]): SearchHit[] {
  if (sort === undefined) return hits;
  if (!Array.isArray(sort) || sort.length > 5)
    throw invalid("sortProperties must be an array of at most 5 entries");
  const keys = (sort as SortProperty[]).map((s) => {
    if (typeof s?.name !== "string") throw invalid("sortProperties[].name is required");
    const p = findProperty(conns, s.name);
    if (!p?.isRefinable)
      throw invalid(`The sort property '${s.name}' is not sortable (it must be refinable).`);
    return { p, desc: s.isDescending ?? false };
  });
  return [...hits].sort((a, b) => {
    for (const { p, desc } of keys) {
      const av = a.item.properties[p.name];
      const bv = b.item.properties[p.name];
      const c =
        typeof av === "number" && typeof bv === "number"
          ? av - bv
          : String(av ?? "").localeCompare(String(bv ?? ""));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
