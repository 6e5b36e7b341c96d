/**
 * The KQL subset the twin understands ([G-SEARCH]): free words, "quoted phrases", `prop:value`
 * and `prop:"phrase"` on queryable properties, trailing `*` for prefix match (no suffix match),
 * AND / OR / NOT (and a leading `-`), parentheses; juxtaposition means AND.
 */

/**
 * Longest query text: KQL built through the query object model defaults to 4,096 characters
 * (https://learn.microsoft.com/sharepoint/dev/general-development/keyword-query-language-kql-syntax-reference).
 */
export const MAX_KQL_LENGTH = 4096;
/** Deepest nesting of parentheses, NOT and `-` (ours: bounds the parser's and evaluator's recursion). */
export const MAX_KQL_NESTING = 64;

/** A query the twin refuses to parse (too long, nested too deep); the search route answers 400. */
export class KqlError extends Error {
  override readonly name = "KqlError";
}

export type KqlNode =
  | { kind: "term"; text: string; prefix: boolean; phrase: boolean; property?: string }
  | { kind: "and"; nodes: KqlNode[] }
  | { kind: "or"; nodes: KqlNode[] }
  | { kind: "not"; node: KqlNode }
  | { kind: "all" };

type Token =
  | { t: "word"; v: string; quoted: boolean }
  | { t: "op"; v: "AND" | "OR" | "NOT" }
  | { t: "(" }
  | { t: ")" }
  | { t: "-" };

function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      out.push({ t: c });
      i++;
      continue;
    }
    if (c === "-" && (out.length === 0 || /\s|\(/.test(q[i - 1] ?? " "))) {
      out.push({ t: "-" });
      i++;
      continue;
    }
    if (c === '"') {
      const end = q.indexOf('"', i + 1);
      const v = end < 0 ? q.slice(i + 1) : q.slice(i + 1, end);
      i = end < 0 ? q.length : end + 1;
      if (q[i] === "*") i++;
      out.push({ t: "word", v, quoted: true });
      continue;
    }
    let j = i;
    let v = "";
    while (j < q.length && !/[\s()]/.test(q[j])) {
      if (q[j] === '"') {
        const end = q.indexOf('"', j + 1);
        v += q.slice(j, end < 0 ? q.length : end + 1);
        j = end < 0 ? q.length : end + 1;
        continue;
      }
      v += q[j];
      j++;
    }
    i = j;
    if (v === "AND" || v === "OR" || v === "NOT") out.push({ t: "op", v });
    else out.push({ t: "word", v, quoted: false });
  }
  return out;
}

export function parseKql(query: string): KqlNode {
  if (query.length > MAX_KQL_LENGTH) {
    throw new KqlError(`The query text is longer than ${MAX_KQL_LENGTH} characters.`);
  }
  const tokens = lex(query);
  let pos = 0;
  let nesting = 0;
  const peek = () => tokens[pos];
  const nested = <T>(parse: () => T): T => {
    if (++nesting > MAX_KQL_NESTING) {
      throw new KqlError(`The query nests parentheses and NOT deeper than ${MAX_KQL_NESTING} levels.`);
    }
    const node = parse();
    nesting--;
    return node;
  };

  function parseOr(): KqlNode {
    const nodes = [parseAnd()];
    while (peek()?.t === "op" && (peek() as { v: string }).v === "OR") {
      pos++;
      nodes.push(parseAnd());
    }
    return nodes.length === 1 ? nodes[0] : { kind: "or", nodes };
  }
  function parseAnd(): KqlNode {
    const nodes: KqlNode[] = [];
    for (;;) {
      const tk = peek();
      if (!tk || tk.t === ")" || (tk.t === "op" && tk.v === "OR")) break;
      if (tk.t === "op" && tk.v === "AND") {
        pos++;
        continue;
      }
      nodes.push(parseUnary());
    }
    if (nodes.length === 0) return { kind: "all" };
    return nodes.length === 1 ? nodes[0] : { kind: "and", nodes };
  }
  function parseUnary(): KqlNode {
    const tk = peek();
    if (tk?.t === "-" || (tk?.t === "op" && tk.v === "NOT")) {
      pos++;
      return { kind: "not", node: nested(parseUnary) };
    }
    if (tk?.t === "(") {
      pos++;
      const inner = nested(parseOr);
      if (peek()?.t === ")") pos++;
      return inner;
    }
    pos++;
    if (tk?.t !== "word") return { kind: "all" };
    return termFrom(tk.v, tk.quoted);
  }
  if (tokens.length === 0) return { kind: "all" };
  return parseOr();
}

function termFrom(raw: string, quoted: boolean): KqlNode {
  if (quoted) return { kind: "term", text: raw, prefix: false, phrase: true };
  const colon = raw.indexOf(":");
  if (colon > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.slice(0, colon))) {
    const property = raw.slice(0, colon);
    let value = raw.slice(colon + 1);
    const phrase = value.startsWith('"');
    value = value.replace(/^"/, "");
    const prefix = value.endsWith("*");
    value = value.replace(/"?\*?$/, "").replace(/"$/, "");
    return { kind: "term", text: value, prefix, phrase, property };
  }
  // A lone `*` is the match-all query Graph clients send to list everything they may see.
  if (raw === "*") return { kind: "all" };
  const prefix = raw.endsWith("*") && raw.length > 1;
  return { kind: "term", text: prefix ? raw.slice(0, -1) : raw, prefix, phrase: false };
}

/** Free-text words of a query (for `searchTerms` and highlighting). */
export function freeTerms(node: KqlNode): string[] {
  switch (node.kind) {
    case "term":
      return node.property ? [] : [node.text];
    case "and":
    case "or":
      return node.nodes.flatMap(freeTerms);
    case "not":
    case "all":
      return [];
  }
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** True when the word sequence of `needle` occurs in `haystack` (last word may be a prefix). */
export function matchesWords(haystack: string[], needle: string, prefix: boolean): boolean {
  const words = tokenize(needle);
  if (words.length === 0) return false;
  for (let i = 0; i + words.length <= haystack.length; i++) {
    let ok = true;
    for (let k = 0; k < words.length; k++) {
      const last = k === words.length - 1;
      const h = haystack[i + k];
      if (!(last && prefix ? h.startsWith(words[k]) : h === words[k])) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
