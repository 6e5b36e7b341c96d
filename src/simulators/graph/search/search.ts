import type { ExternalConnection, ExternalItem, SchemaProperty } from "../model.ts";
import { freeTerms, type KqlNode, matchesWords, parseKql, tokenize } from "./kql.ts";

export interface SearchHit {
  connectionId: string;
  item: ExternalItem;
  score: number;
  summary: string;
}

interface IndexedItem {
  searchable: string[];
  title: string[];
}

function propertyText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(" ");
  return v === null || v === undefined ? "" : String(v);
}

function contentText(item: ExternalItem): string {
  if (!item.content) return "";
  return item.content.type === "html" ? item.content.value.replace(/<[^>]*>/g, " ") : item.content.value;
}

/** Token index per item, reused while the item's properties, content and the schema are the same objects. */
const indexCache = new WeakMap<ExternalItem, { key: [unknown, unknown, unknown]; idx: IndexedItem }>();

function index(conn: ExternalConnection, item: ExternalItem): IndexedItem {
  const key: [unknown, unknown, unknown] = [conn.schema, item.properties, item.content];
  const hit = indexCache.get(item);
  if (hit?.key.every((k, i) => k === key[i])) return hit.idx;
  const idx = buildIndex(conn, item);
  indexCache.set(item, { key, idx });
  return idx;
}

function buildIndex(conn: ExternalConnection, item: ExternalItem): IndexedItem {
  const props = conn.schema?.properties ?? [];
  const searchable: string[] = [];
  const title: string[] = [];
  for (const p of props) {
    const v = item.properties[p.name];
    if (v === undefined) continue;
    if (p.isSearchable) searchable.push(...tokenize(propertyText(v)));
    if (p.labels?.includes("title")) title.push(...tokenize(propertyText(v)));
  }
  searchable.push(...tokenize(contentText(item)));
  return { searchable, title };
}

function queryableProperty(conn: ExternalConnection, name: string): SchemaProperty | undefined {
  const n = name.toLowerCase();
  return conn.schema?.properties.find(
    (p) => p.isQueryable && (p.name.toLowerCase() === n || p.aliases?.some((a) => a.toLowerCase() === n)),
  );
}

function matchProperty(
  conn: ExternalConnection,
  item: ExternalItem,
  node: Extract<KqlNode, { kind: "term" }>,
): boolean {
  const p = queryableProperty(conn, node.property!);
  if (!p) return false;
  const v = item.properties[p.name];
  if (v === undefined || v === null) return false;
  const values = Array.isArray(v) ? v : [v];
  return values.some((x) => {
    if (typeof x === "number") return Number(node.text) === x;
    if (typeof x === "boolean") return node.text.toLowerCase() === String(x);
    const s = String(x);
    if (p.isExactMatchRequired)
      return node.prefix
        ? s.toLowerCase().startsWith(node.text.toLowerCase())
        : s.toLowerCase() === node.text.toLowerCase();
    return matchesWords(tokenize(s), node.text, node.prefix) || s.toLowerCase() === node.text.toLowerCase();
  });
}

function evaluate(node: KqlNode, conn: ExternalConnection, item: ExternalItem, idx: IndexedItem): number {
  switch (node.kind) {
    case "all":
      return 1;
    case "term": {
      if (node.property) return matchProperty(conn, item, node) ? 1 : 0;
      if (!matchesWords(idx.searchable, node.text, node.prefix)) return 0;
      return 1 + (matchesWords(idx.title, node.text, node.prefix) ? 2 : 0);
    }
    case "and": {
      let total = 0;
      for (const n of node.nodes) {
        const s = evaluate(n, conn, item, idx);
        if (s === 0) return 0;
        total += s;
      }
      return total;
    }
    case "or": {
      let total = 0;
      for (const n of node.nodes) total += evaluate(n, conn, item, idx);
      return total;
    }
    case "not":
      return evaluate(node.node, conn, item, idx) > 0 ? 0 : 1;
  }
}

/** `<c0>term</c0>` highlights in a short window of the content or title, `<ddd/>` for elisions. */
export function summarize(conn: ExternalConnection, item: ExternalItem, terms: string[]): string {
  const titleProp = conn.schema?.properties.find((p) => p.labels?.includes("title"));
  const source = contentText(item) || (titleProp ? propertyText(item.properties[titleProp.name]) : "");
  const words = source.split(/\s+/).filter(Boolean);
  const lowered = terms.flatMap((t) => tokenize(t));
  const hitAt = words.findIndex((w) => lowered.some((t) => tokenize(w).some((x) => x.startsWith(t))));
  const start = Math.max(0, hitAt - 10);
  const window = words
    .slice(start, start + 30)
    .map((w) => (lowered.some((t) => tokenize(w).some((x) => x.startsWith(t))) ? `<c0>${w}</c0>` : w));
  return `${start > 0 ? "<ddd/>" : ""}${window.join(" ")}${start + 30 < words.length ? "<ddd/>" : ""}`;
}

/**
 * Runs the query over the candidate items (already ACL-trimmed by the caller) and ranks them:
 * score from matched terms (title matches weigh more), ties by last modification, then id.
 */
export function runQuery(
  queryString: string,
  candidates: Array<{ conn: ExternalConnection; item: ExternalItem }>,
): { hits: SearchHit[]; terms: string[] } {
  const ast = parseKql(queryString);
  const terms = freeTerms(ast);
  const hits: SearchHit[] = [];
  for (const { conn, item } of candidates) {
    const score = evaluate(ast, conn, item, index(conn, item));
    if (score > 0) hits.push({ connectionId: conn.id, item, score, summary: summarize(conn, item, terms) });
  }
  hits.sort(
    (a, b) =>
      b.score - a.score ||
      b.item.lastModifiedAt.localeCompare(a.item.lastModifiedAt) ||
      a.item.id.localeCompare(b.item.id),
  );
  return { hits, terms };
}
