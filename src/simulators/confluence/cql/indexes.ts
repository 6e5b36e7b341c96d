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

export interface ContentText {
  title: AnalyzedText;
  /** Title + body text + labels: what `text ~` searches. */
  all: AnalyzedText;
  /** Body as plain text, for excerpts. */
  bodyText: string;
}

const textCache = new WeakMap<Content, { signature: string; text: ContentText }>();

/** Analyzed title and text of one content item, cached until its version, title or labels change. */
export function contentText(content: Content): ContentText {
  const signature = `${content.version.number}\u0000${content.title}\u0000${content.labels.map((l) => l.name).join(",")}\u0000${content.body.length}`;
  const hit = textCache.get(content);
  if (hit && hit.signature === signature) return hit.text;
  const bodyText = storageToText(content.body);
  const text: ContentText = {
    title: analyze(content.title),
    all: analyze(`${content.title} ${bodyText} ${content.labels.map((l) => l.name).join(" ")}`),
    bodyText,
  };
  textCache.set(content, { signature, text });
  return text;
}
