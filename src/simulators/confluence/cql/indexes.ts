/**
 * Secondary indexes over a ConfluenceStore for the CQL planner: content by type, label and
 * creator, content sorted by lastmodified and created, and text candidates. Each is built on
 * first use (a query pays only for the indexes it reads) and all start over when the store's
 * `revision` changes (every mutation bumps it). Content by space is the store's own list.
 * Analyzed text is cached per content version, so re-checking a candidate after one edit
 * re-analyzes only what changed.
 */
import type { Content } from "../model.ts";
import type { ConfluenceStore } from "../store.ts";
import { type AnalyzedText, analyze, storageToText } from "./text.ts";
import { buildPostings, isPlainWord, mayContainWord, type TextIndexKind } from "./text-index.ts";

export type DateField = "created" | "lastmodified";
export type { TextIndexKind } from "./text-index.ts";

export function dateOf(content: Content, field: DateField): number {
  return field === "created" ? content.createdAt : content.version.createdAt;
}

/**
 * After this many different words scanned for, a kind's postings are built instead: on 100k pages
 * one scan costs ~1/20 of building the postings (~0.15 s against ~3 s), and the postings cost
 * ~40 MB the scans do not.
 */
const SCANS_BEFORE_POSTINGS = 20;

export class CqlIndexes {
  readonly revision: number;
  #byType: Map<string, Content[]> | undefined;
  #byLabel: Map<string, Content[]> | undefined;
  #byCreator: Map<string, Content[]> | undefined;
  readonly #sorted: Partial<Record<DateField, Content[]>> = {};
  readonly #postings: Partial<Record<TextIndexKind, Map<string, Content[]>>> = {};
  readonly #scanned: Record<TextIndexKind, Map<string, Content[]>> = { title: new Map(), all: new Map() };

  constructor(readonly store: ConfluenceStore) {
    this.revision = store.revision;
  }

  /** Whether a clause on `field` reads an index not built yet (one pass over the whole site). */
  costly(field: string): boolean {
    switch (field) {
      case "type":
        return !this.#byType;
      case "label":
        return !this.#byLabel;
      case "creator":
        return !this.#byCreator;
      case "created":
      case "lastmodified":
        return !this.#sorted[field];
      case "title":
        return !this.#postings.title;
      case "text":
      case "sitesearch":
        return !this.#postings.all;
      default:
        return false;
    }
  }

  inSpace(spaceId: string): readonly Content[] {
    return this.store.contentInSpace(spaceId);
  }

  ofType(type: string): readonly Content[] {
    this.#byType ??= this.#group((c, add) => add(c.type));
    return this.#byType.get(type) ?? [];
  }

  withLabel(name: string): readonly Content[] {
    this.#byLabel ??= this.#group((c, add) => {
      for (const label of c.labels) add(label.name.toLowerCase());
    });
    return this.#byLabel.get(name) ?? [];
  }

  byCreator(accountId: string): readonly Content[] {
    this.#byCreator ??= this.#group((c, add) => add(c.authorId));
    return this.#byCreator.get(accountId) ?? [];
  }

  /** Content whose date lies in [from, to) (either bound may be infinite), ascending by that date. */
  dateRange(field: DateField, from: number, to: number): Content[] {
    this.#sorted[field] ??= [...this.store.content.values()].sort(
      (a, b) => dateOf(a, field) - dateOf(b, field),
    );
    const list = this.#sorted[field];
    return list.slice(lowerBound(list, field, from), lowerBound(list, field, to));
  }

  /** Whether the postings of `kind` are built (otherwise plain words are answered by a scan). */
  hasPostings(kind: TextIndexKind): boolean {
    return this.#postings[kind] !== undefined;
  }

  /**
   * Content that may hold `word` for `title ~` ("title") or `text ~` ("all"): a superset the
   * evaluator narrows down. A plain word is scanned for page by page (text-index.ts), kept for
   * the next query; once several words were, or for any other word, the postings of every term
   * are built and used.
   */
  wordCandidates(kind: TextIndexKind, word: string): readonly Content[] {
    const postings = this.#postings[kind];
    if (postings) return postings.get(word) ?? [];
    const scanned = this.#scanned[kind];
    const known = scanned.get(word);
    if (known) return known;
    if (!isPlainWord(word) || scanned.size >= SCANS_BEFORE_POSTINGS)
      return this.postings(kind).get(word) ?? [];
    const found: Content[] = [];
    for (const c of this.store.content.values()) if (mayContainWord(c, kind, word)) found.push(c);
    scanned.set(word, found);
    return found;
  }

  /** Term → content postings of every page (wildcards expand over its terms), built on first use. */
  postings(kind: TextIndexKind): Map<string, Content[]> {
    this.#postings[kind] ??= buildPostings(this.store.content.values(), kind);
    return this.#postings[kind];
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

  /** Content grouped under the keys `keysOf` adds for each. */
  #group(keysOf: (c: Content, add: (key: string) => void) => void): Map<string, Content[]> {
    const map = new Map<string, Content[]>();
    for (const c of this.store.content.values()) {
      keysOf(c, (key) => {
        const list = map.get(key);
        if (list) list.push(c);
        else map.set(key, [c]);
      });
    }
    return map;
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
