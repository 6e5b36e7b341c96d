/**
 * Secondary indexes over a ConfluenceStore for the CQL planner: content by space, type, label and
 * creator, and content sorted by lastmodified and created. Built lazily on first use and rebuilt
 * when the store's `revision` changes (every mutation bumps it). Analyzed text is cached per
 * content version, so a rebuild after one edit re-analyzes only what changed.
 */
import type { Content } from "../model.ts";
import type { ConfluenceStore } from "../store.ts";
import { type AnalyzedText, analyze, storageToText } from "./text.ts";

export type DateField = "created" | "lastmodified";
export type TextIndexKind = "title" | "all";

export function dateOf(content: Content, field: DateField): number {
  return field === "created" ? content.createdAt : content.version.createdAt;
}

export class CqlIndexes {
  readonly revision: number;
  readonly bySpace = new Map<string, Content[]>();
  readonly byType = new Map<string, Content[]>();
  readonly byLabel = new Map<string, Content[]>();
  readonly byCreator = new Map<string, Content[]>();
  readonly #sorted: Record<DateField, Content[]>;
  #postings: Partial<Record<TextIndexKind, Map<string, Content[]>>> = {};

  constructor(readonly store: ConfluenceStore) {
    this.revision = store.revision;
    for (const c of store.content.values()) {
      push(this.bySpace, c.spaceId, c);
      push(this.byType, c.type, c);
      push(this.byCreator, c.authorId, c);
      for (const label of c.labels) push(this.byLabel, label.name.toLowerCase(), c);
    }
    const all = [...store.content.values()];
    this.#sorted = {
      created: [...all].sort((a, b) => a.createdAt - b.createdAt),
      lastmodified: all.sort((a, b) => a.version.createdAt - b.version.createdAt),
    };
  }

  /** Content whose date lies in [from, to) (either bound may be infinite), ascending by that date. */
  dateRange(field: DateField, from: number, to: number): Content[] {
    const list = this.#sorted[field];
    return list.slice(lowerBound(list, field, from), lowerBound(list, field, to));
  }

  /**
   * Term → content postings for `title ~` ("title") or `text ~` ("all"), built on first use.
   * Analysis is cached per content version, so a rebuild after an edit is mostly list building.
   */
  postings(kind: TextIndexKind): Map<string, Content[]> {
    let map = this.#postings[kind];
    if (!map) {
      map = new Map();
      const analyzed = kind === "title" ? titleTextOf : allTextOf;
      for (const c of this.store.content.values()) for (const term of analyzed(c).set) push(map, term, c);
      this.#postings[kind] = map;
    }
    return map;
  }

  /** Every descendant of a page (children, grandchildren …), any status. */
  descendants(id: string): Content[] {
    const out: Content[] = [];
    const stack = [id];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const next = stack.pop() as string;
      for (const child of this.store.childrenOf(next)) {
        if (seen.has(child.id)) continue;
        seen.add(child.id);
        out.push(child);
        stack.push(child.id);
      }
    }
    return out;
  }
}

function lowerBound(list: Content[], field: DateField, t: number): number {
  if (t === Number.NEGATIVE_INFINITY) return 0;
  if (t === Number.POSITIVE_INFINITY) return list.length;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dateOf(list[mid], field) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const cache = new WeakMap<ConfluenceStore, CqlIndexes>();

/** The store's current indexes, rebuilt if the store changed since they were built. */
export function indexesFor(store: ConfluenceStore): CqlIndexes {
  let idx = cache.get(store);
  if (!idx || idx.revision !== store.revision) {
    idx = new CqlIndexes(store);
    cache.set(store, idx);
  }
  return idx;
}

interface TextEntry {
  version: number;
  title: string;
  body: string;
  labels: Content["labels"];
  labelCount: number;
  analyzedTitle?: AnalyzedText;
  analyzedAll?: AnalyzedText;
  bodyText?: string;
}

const textCache = new WeakMap<Content, TextEntry>();

/**
 * The cache entry for one content item, reset when its version, title, body or labels change.
 * Checks are reference/number comparisons, so a hit costs no string building.
 */
function entryFor(c: Content): TextEntry {
  const e = textCache.get(c);
  if (
    e &&
    e.version === c.version.number &&
    e.title === c.title &&
    e.body === c.body &&
    e.labels === c.labels &&
    e.labelCount === c.labels.length
  ) {
    return e;
  }
  const fresh: TextEntry = {
    version: c.version.number,
    title: c.title,
    body: c.body,
    labels: c.labels,
    labelCount: c.labels.length,
  };
  textCache.set(c, fresh);
  return fresh;
}

/** Body as plain text (storage markup stripped), cached per version. */
export function bodyTextOf(c: Content): string {
  const e = entryFor(c);
  e.bodyText ??= storageToText(c.body);
  return e.bodyText;
}

/** The analyzed title: what `title ~` searches. */
export function titleTextOf(c: Content): AnalyzedText {
  const e = entryFor(c);
  e.analyzedTitle ??= analyze(c.title);
  return e.analyzedTitle;
}

/** Title + body text + labels: what `text ~` and `siteSearch ~` search. */
export function allTextOf(c: Content): AnalyzedText {
  const e = entryFor(c);
  e.analyzedAll ??= analyze(`${c.title} ${bodyTextOf(c)} ${c.labels.map((l) => l.name).join(" ")}`);
  return e.analyzedAll;
}
