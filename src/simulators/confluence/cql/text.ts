/**
 * Text matching for `~` / `!~`: storage markup → plain text, a small analyzer (lower-cased
 * Unicode words), a Lucene-style query subset (words, "phrases", `*`/`?` wildcards, AND / OR /
 * NOT, `+`/`-` prefixes, backslash escapes) and highlight markers for excerpts.
 * Not modelled: stemming, stop words, fuzzy/proximity/boost operators, accent folding.
 */

export const INLINE_TAGS = new Set([
  "a",
  "abbr",
  "b",
  "code",
  "em",
  "i",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "u",
  "del",
  "ins",
  "font",
]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©",
  reg: "®",
  trade: "™",
  euro: "€",
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Confluence storage format (XHTML + ac:/ri: macros) → the plain text the search index sees.
 * Macro parameters are configuration, not content, so they are dropped; CDATA bodies (code
 * blocks, plain-text macros) are kept.
 */
export function storageToText(storage: string): string {
  let s = storage.replace(/<ac:parameter\b[^>]*>[\s\S]*?<\/ac:parameter>/gi, " ");
  s = s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, body: string) => ` ${body.replace(/</g, "&lt;")} `);
  s = s.replace(/<!--[\s\S]*?-->/g, " ");
  s = s.replace(/<\/?([a-zA-Z][\w:-]*)\b[^>]*>/g, (_m, tag: string) =>
    INLINE_TAGS.has(tag.toLowerCase()) ? "" : " ",
  );
  // Runs of whitespace and single non-space whitespace become one space: the same text as
  // replacing every `\s+`, without rebuilding the string at every single space between words.
  return decodeEntities(s)
    .replace(/\s{2,}|[^\S ]/g, " ")
    .trim();
}

export interface TextToken {
  term: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words with their offsets in `text`. */
export function tokenizeText(text: string): TextToken[] {
  const out: TextToken[] = [];
  for (const m of text.matchAll(WORD)) {
    out.push({ term: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Lower-cased words (what `tokenizeText` finds, without offsets: a split is cheaper). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(NON_WORD)) if (word !== "") out.push(word.toLowerCase());
  return out;
}

export type TextItem =
  | { kind: "term"; term: string; wildcard: RegExp | undefined }
  | { kind: "phrase"; terms: string[] };

export interface TextClause {
  item: TextItem;
  negate: boolean;
}

/** OR of ANDs: a document matches when every clause of at least one alternative holds. */
export interface TextQuery {
  alternatives: TextClause[][];
}

interface RawToken {
  text: string;
  quoted: boolean;
  escaped: boolean;
}

function lexTextQuery(query: string): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (/\s|[()]/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      const end = query.indexOf('"', i + 1);
      const body = end === -1 ? query.slice(i + 1) : query.slice(i + 1, end);
      out.push({ text: body, quoted: true, escaped: false });
      i = end === -1 ? query.length : end + 1;
      continue;
    }
    let word = "";
    let escaped = false;
    while (i < query.length && !/\s|[()"]/.test(query[i])) {
      if (query[i] === "\\" && i + 1 < query.length) {
        word += query[i + 1] === "*" || query[i + 1] === "?" ? " " : query[i + 1];
        escaped = true;
        i += 2;
      } else {
        word += query[i];
        i++;
      }
    }
    out.push({ text: word, quoted: false, escaped });
  }
  return out;
}

/** Parses the value of a `~` clause. Unknown syntax degrades to plain words. */
export function parseTextQuery(query: string): TextQuery {
  const alternatives: TextClause[][] = [[]];
  let negateNext = false;
  for (const raw of lexTextQuery(query)) {
    if (!raw.quoted && !raw.escaped) {
      const upper = raw.text.toUpperCase();
      if (upper === "OR" || upper === "||") {
        if (alternatives[alternatives.length - 1].length > 0) alternatives.push([]);
        continue;
      }
      if (upper === "AND" || upper === "&&") continue;
      if (upper === "NOT" || upper === "!") {
        negateNext = true;
        continue;
      }
    }
    let text = raw.text;
    let negate = negateNext;
    negateNext = false;
    if (!raw.quoted && (text.startsWith("-") || text.startsWith("!"))) {
      negate = true;
      text = text.slice(1);
    } else if (!raw.quoted && text.startsWith("+")) {
      text = text.slice(1);
    }
    const item = raw.quoted ? phraseOf(text) : wordOf(text);
    if (item) alternatives[alternatives.length - 1].push({ item, negate });
  }
  return { alternatives: alternatives.filter((a) => a.length > 0) };
}

function phraseOf(text: string): TextItem | undefined {
  const t = terms(text);
  if (t.length === 0) return undefined;
  return t.length === 1 ? { kind: "term", term: t[0], wildcard: undefined } : { kind: "phrase", terms: t };
}

function wordOf(text: string): TextItem | undefined {
  if (/[*?]/.test(text)) {
    const pattern = text.toLowerCase().replace(/[^\p{L}\p{N}*?]/gu, "");
    if (!/[\p{L}\p{N}]/u.test(pattern)) return undefined; // a bare "*" matches nothing (Lucene rejects it)
    const source = pattern.replace(/\*/g, "[\\p{L}\\p{N}]*").replace(/\?/g, "[\\p{L}\\p{N}]");
    return { kind: "term", term: pattern, wildcard: new RegExp(`^${source}$`, "u") };
  }
  return phraseOf(text);
}

/** A document's analyzed text: terms in order plus a set for fast lookups. */
export interface AnalyzedText {
  terms: string[];
  set: Set<string>;
}

export function analyze(text: string): AnalyzedText {
  const t = terms(text);
  return { terms: t, set: new Set(t) };
}

function itemMatches(item: TextItem, doc: AnalyzedText): boolean {
  if (item.kind === "term") {
    if (!item.wildcard) return doc.set.has(item.term);
    for (const term of doc.set) if (item.wildcard.test(term)) return true;
    return false;
  }
  return phraseStarts(item.terms, doc.terms).length > 0;
}

function phraseStarts(phrase: string[], docTerms: string[]): number[] {
  const starts: number[] = [];
  outer: for (let i = 0; i + phrase.length <= docTerms.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (docTerms[i + j] !== phrase[j]) continue outer;
    starts.push(i);
  }
  return starts;
}

/** True when the analyzed document satisfies the query. An empty query matches nothing. */
export function matchesText(query: TextQuery, doc: AnalyzedText): boolean {
  return query.alternatives.some((clauses) => {
    if (!clauses.some((c) => !c.negate)) return false; // a purely negative query matches nothing (Lucene)
    return clauses.every((c) => itemMatches(c.item, doc) !== c.negate);
  });
}

export const HL_START = "@@@hl@@@";
export const HL_END = "@@@endhl@@@";

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[ch]};`,
  );
}

export interface HighlightOptions {
  /** HTML-escape the text (excerpt=highlight); false for the *_unescaped variants. */
  escape?: boolean;
  /** Wrap matches in @@@hl@@@…@@@endhl@@@. */
  markers?: boolean;
  /** Cut to about this many characters around the first match (excerpts); no cut when absent. */
  maxLength?: number;
}

/** Marks every word of `text` the query's positive clauses match, optionally cutting an excerpt. */
export function highlight(
  text: string,
  query: TextQuery | undefined,
  options: HighlightOptions = {},
): string {
  const tokens = tokenizeText(text);
  const marked = new Set<number>();
  if (query && options.markers !== false) {
    const docTerms = tokens.map((t) => t.term);
    for (const clauses of query.alternatives) {
      for (const { item, negate } of clauses) {
        if (negate) continue;
        if (item.kind === "phrase") {
          for (const s of phraseStarts(item.terms, docTerms))
            for (let j = 0; j < item.terms.length; j++) marked.add(s + j);
        } else {
          tokens.forEach((t, i) => {
            if (item.wildcard ? item.wildcard.test(t.term) : t.term === item.term) marked.add(i);
          });
        }
      }
    }
  }
  let from = 0;
  let to = text.length;
  if (options.maxLength !== undefined && text.length > options.maxLength) {
    const first = Math.min(...[...marked].map((i) => tokens[i].start), Number.POSITIVE_INFINITY);
    from = Number.isFinite(first) ? Math.max(0, first - Math.floor(options.maxLength / 3)) : 0;
    if (from > 0) from = text.indexOf(" ", from) + 1 || from;
    to = Math.min(text.length, from + options.maxLength);
    const cut = text.lastIndexOf(" ", to);
    if (to < text.length && cut > from) to = cut;
  }
  const esc = options.escape === false ? (s: string) => s : escapeHtml;
  let out = from > 0 ? "…" : "";
  let at = from;
  tokens.forEach((t, i) => {
    if (!marked.has(i) || t.start < from || t.end > to) return;
    out += esc(text.slice(at, t.start)) + HL_START + esc(text.slice(t.start, t.end)) + HL_END;
    at = t.end;
  });
  out += esc(text.slice(at, to));
  return to < text.length ? `${out}…` : out;
}
