import type { Content } from "../model.ts";

/**
 * Storage-format bodies (Confluence's XHTML) turned into the other representations the API serves:
 * atlas_doc_format (ADF, as a JSON string) and `view`.
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

type AdfMark = { type: string; attrs?: Record<string, unknown> };
type AdfNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
};

/** A parsed storage element: tag name (lower case), attributes, children. Text is a string. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: (El | string)[];
}

const VOID = new Set(["br", "hr", "img", "col", "ri:page", "ri:attachment", "ri:user", "ri:url"]);

/** A tolerant XHTML reader: unclosed tags close at their parent's end, stray closers are ignored. */
function parseStorage(xhtml: string): El {
  const root: El = { name: "#root", attrs: {}, children: [] };
  const stack = [root];
  const re =
    /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>|([^<]+)|</g;
  for (let m = re.exec(xhtml); m; m = re.exec(xhtml)) {
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) top.children.push(m[1]);
    else if (m[2]) {
      const at = stack.map((e) => e.name).lastIndexOf(m[2].toLowerCase());
      if (at > 0) stack.length = at;
    } else if (m[3]) {
      const el: El = { name: m[3].toLowerCase(), attrs: {}, children: [] };
      for (const a of (m[4] ?? "").matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        el.attrs[a[1].toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? "");
      top.children.push(el);
      if (!m[5] && !VOID.has(el.name)) stack.push(el);
    } else if (m[6] !== undefined) top.children.push(decodeEntities(m[6]));
    else top.children.push("<");
  }
  return root;
}

const INLINE_MARKS: Record<string, string> = {
  strong: "strong",
  b: "strong",
  em: "em",
  i: "em",
  code: "code",
  u: "underline",
  s: "strike",
  del: "strike",
};

/** Inline content with marks; whitespace-only runs between blocks are dropped by the caller. */
function inline(nodes: (El | string)[], marks: AdfMark[] = []): AdfNode[] {
  const out: AdfNode[] = [];
  for (const n of nodes) {
    if (typeof n === "string") {
      if (n) out.push(marks.length ? { type: "text", text: n, marks } : { type: "text", text: n });
    } else if (n.name === "br") out.push({ type: "hardBreak" });
    else if (INLINE_MARKS[n.name])
      out.push(...inline(n.children, [...marks, { type: INLINE_MARKS[n.name] }]));
    else if (n.name === "a" && n.attrs.href)
      out.push(...inline(n.children, [...marks, { type: "link", attrs: { href: n.attrs.href } }]));
    else out.push(...inline(n.children, marks));
  }
  return out;
}

const textOf = (n: El | string): string => (typeof n === "string" ? n : n.children.map(textOf).join(""));

const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);
const BLOCKS = new Set([
  "p",
  "ul",
  "ol",
  "li",
  "pre",
  "blockquote",
  "hr",
  "table",
  "thead",
  "tbody",
  "tr",
  "td",
  "th",
  "div",
  ...HEADINGS,
]);

const isBlock = (el: El) =>
  BLOCKS.has(el.name) || (el.name === "ac:structured-macro" && el.attrs["ac:name"] === "code");
const hasBlock = (el: El): boolean =>
  el.children.some((c) => typeof c !== "string" && (isBlock(c) || hasBlock(c)));

/** Block content: consecutive inline pieces are gathered into paragraphs. */
function blocks(nodes: (El | string)[]): AdfNode[] {
  const out: AdfNode[] = [];
  let pending: (El | string)[] = [];
  const flush = () => {
    const content = inline(pending);
    pending = [];
    if (content.some((c) => c.type !== "text" || (c.text ?? "").trim()))
      out.push({ type: "paragraph", content });
  };
  for (const n of nodes) {
    if (typeof n === "string" || !(isBlock(n) || hasBlock(n))) {
      pending.push(n);
      continue;
    }
    flush();
    // A wrapper holding blocks (a macro body, a span around paragraphs) is transparent.
    out.push(...(isBlock(n) ? block(n) : blocks(n.children)));
  }
  flush();
  return out;
}

function block(el: El): AdfNode[] {
  if (el.name === "p") {
    const content = inline(el.children);
    return [content.length ? { type: "paragraph", content } : { type: "paragraph" }];
  }
  if (HEADINGS.has(el.name)) {
    const content = inline(el.children);
    const node: AdfNode = { type: "heading", attrs: { level: Number(el.name[1]) } };
    if (content.length) node.content = content;
    return [node];
  }
  if (el.name === "ul" || el.name === "ol") {
    const items = el.children
      .filter((c): c is El => typeof c !== "string" && c.name === "li")
      .map((li) => {
        const content = blocks(li.children);
        return { type: "listItem", content: content.length ? content : [{ type: "paragraph" }] };
      });
    if (!items.length) return [];
    return [{ type: el.name === "ul" ? "bulletList" : "orderedList", content: items }];
  }
  if (el.name === "pre" || el.name === "ac:structured-macro") {
    const text = textOf(el);
    return [text ? { type: "codeBlock", content: [{ type: "text", text }] } : { type: "codeBlock" }];
  }
  if (el.name === "blockquote") {
    const content = blocks(el.children);
    return content.length ? [{ type: "blockquote", content }] : [];
  }
  if (el.name === "hr") return [{ type: "rule" }];
  // Tables, divs, list items out of place: their text, as paragraphs.
  return blocks(el.children);
}

/**
 * An ADF document from a storage body: paragraphs, headings, bullet and ordered lists, code blocks
 * (`<pre>` and the code macro), block quotes, rules; strong/em/code/underline/strike/link marks
 * and hard breaks. Other macros contribute their text. Enough for crawlers; not Confluence's
 * full converter.
 */
export function storageToAdf(storage: string): string {
  return JSON.stringify({ type: "doc", content: blocks(parseStorage(storage).children), version: 1 });
}

/** `view`: the storage XHTML with Confluence's `ac:`/`ri:` macro markup removed (text kept). */
export function storageToView(storage: string): string {
  return storage.replace(/<\/?(?:ac|ri):[^>]*>/g, "");
}

/** ADF per content, recomputed only when the storage body changes (conversion is ~0.5 ms per 5 KB). */
const adfCache = new WeakMap<Content, { body: string; adf: string }>();

export function adfOf(content: Content): string {
  const hit = adfCache.get(content);
  if (hit && hit.body === content.body) return hit.adf;
  const adf = storageToAdf(content.body);
  adfCache.set(content, { body: content.body, adf });
  return adf;
}
