/**
 * `title ~` and `text ~` candidates without analysing the whole site first. A word query asks,
 * page by page, whether the page's raw text can hold the word at all (a lower-cased substring
 * test on title, body and labels), which is exact for plain ASCII words (below); the evaluator
 * then checks each candidate with the real analysis. Other words (non-ASCII, wildcards) use the
 * postings of every term, built on first use without keeping each page's analysis.
 */
import type { Content } from "../model.ts";
import { INLINE_TAGS, storageToText, terms } from "./text.ts";

export type TextIndexKind = "title" | "all";

/** Plain words the substring test is exact for; others go through the postings. */
const PLAIN_WORD = /^[a-z0-9]+$/;

/**
 * Every tag storageToText removes without a space (it joins the words around it), and more (any
 * tag whose name starts like an inline one): removing more only joins more, which adds
 * candidates, never loses one. Without the `u` flag, `[A-Za-z0-9_]` under `i` is ASCII only, as
 * storageToText's `\b` is.
 */
const INLINE_TAG = `<\\/?(?:${[...INLINE_TAGS].join("|")})(?![A-Za-z0-9_])[^>]*>`;
const INLINE_TAGS_ALL = new RegExp(INLINE_TAG, "gi");
/** Inline tags with a possible word character on both sides (any non-ASCII unit counts as one). */
const JOINING_TAGS = new RegExp(`[A-Za-z0-9\\x80-\\uffff](?:${INLINE_TAG})+[A-Za-z0-9\\x80-\\uffff]`, "i");

/**
 * Whether `word` (lower-cased letters and digits) can be one of the page's words. A word of the
 * analysed text is a run of letters and digits of the plain text, which is the storage text with
 * tags and comments turned into spaces (inline tags into nothing), macro parameters dropped and
 * entities decoded. So its characters stand together in the raw text too, once the inline tags
 * that join words are removed, except when an entity spells one of them (`&#107;`) or a CDATA
 * section holds tag-like text: such pages are always candidates. Lower-casing is per character
 * for everything an ASCII word can be made of (the context-dependent final sigma is not ASCII), so
 * lower-casing the whole text finds what lower-casing each word finds.
 */
export function mayContainWord(c: Content, kind: TextIndexKind, word: string): boolean {
  if (c.title.toLowerCase().includes(word)) return true;
  if (kind === "title") return false;
  for (const label of c.labels) if (label.name.toLowerCase().includes(word)) return true;
  const body = c.body;
  if (body.includes("&#") || body.includes("<![CDATA[")) return true;
  const text = JOINING_TAGS.test(body) ? body.replace(INLINE_TAGS_ALL, "") : body;
  return text.toLowerCase().includes(word);
}

export function isPlainWord(word: string): boolean {
  return PLAIN_WORD.test(word);
}

/** The words `kind` searches in one page, analysed afresh (not cached: this runs over the site). */
export function wordsOf(c: Content, kind: TextIndexKind): string[] {
  if (kind === "title") return terms(c.title);
  return terms(`${c.title} ${storageToText(c.body)} ${c.labels.map((l) => l.name).join(" ")}`);
}

/** Term → content postings of every page (each page once per term). */
export function buildPostings(content: Iterable<Content>, kind: TextIndexKind): Map<string, Content[]> {
  const map = new Map<string, Content[]>();
  for (const c of content) {
    for (const word of wordsOf(c, kind)) {
      const list = map.get(word);
      if (!list) map.set(word, [c]);
      // Pages are added one at a time: a word seen before in this page ends its list already.
      else if (list[list.length - 1] !== c) list.push(c);
    }
  }
  return map;
}
