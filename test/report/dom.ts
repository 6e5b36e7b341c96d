/**
 * A small HTML parser for the report tests (the project has no DOM library): elements with
 * attributes, text, void elements and raw-text script/style. Enough for markup we generate;
 * unbalanced markup throws, which is itself a check.
 */

export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
  parent?: El;
}
export type Node = El | string;

const VOID = new Set(["meta", "input", "br", "img", "link", "hr", "col", "wbr"]);
const RAW = new Set(["script", "style"]);

export function parseHtml(html: string): El {
  const root: El = { tag: "#root", attrs: {}, children: [] };
  let current = root;
  let i = 0;
  while (i < html.length) {
    if (html.startsWith("<!--", i)) {
      i = html.indexOf("-->", i) + 3;
      continue;
    }
    if (html.startsWith("<!", i)) {
      i = html.indexOf(">", i) + 1;
      continue;
    }
    if (html.startsWith("</", i)) {
      const end = html.indexOf(">", i);
      const tag = html
        .slice(i + 2, end)
        .trim()
        .toLowerCase();
      if (current.tag !== tag) throw new Error(`</${tag}> closes <${current.tag}> at ${i}`);
      current = current.parent!;
      i = end + 1;
      continue;
    }
    if (html[i] === "<" && /[a-zA-Z]/.test(html[i + 1] ?? "")) {
      const m = /^<([a-zA-Z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*"|='[^']*'|=[^\s>]+)?)*)\s*\/?>/.exec(
        html.slice(i),
      );
      if (!m) throw new Error(`bad tag at ${i}: ${html.slice(i, i + 40)}`);
      const el: El = { tag: m[1].toLowerCase(), attrs: parseAttrs(m[2]), children: [], parent: current };
      current.children.push(el);
      i += m[0].length;
      if (RAW.has(el.tag)) {
        const close = html.indexOf(`</${el.tag}>`, i);
        el.children.push(html.slice(i, close));
        i = close + el.tag.length + 3;
      } else if (!VOID.has(el.tag)) current = el;
      continue;
    }
    const next = html.indexOf("<", i + 1);
    const end = next === -1 ? html.length : next;
    current.children.push(decode(html.slice(i, end)));
    i = end;
  }
  if (current !== root) throw new Error(`<${current.tag}> is never closed`);
  return root;
}

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=]+)(?:="([^"]*)"|='([^']*)'|=([^\s>]+))?/g))
    attrs[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? "");
  return attrs;
}

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39);/g, (_, e: string) =>
    e === "lt" ? "<" : e === "gt" ? ">" : e === "amp" ? "&" : e === "quot" ? '"' : "'",
  );
}

export function all(node: El, match: (el: El) => boolean): El[] {
  const out: El[] = [];
  const walk = (el: El) => {
    for (const c of el.children)
      if (typeof c !== "string") {
        if (match(c)) out.push(c);
        walk(c);
      }
  };
  walk(node);
  return out;
}

export const hasClass = (el: El, cls: string) => (el.attrs.class ?? "").split(/\s+/).includes(cls);

/** Elements by tag and classes: `$$(root, "td", "c", "over")`. */
export function $$(node: El, tag: string, ...classes: string[]): El[] {
  return all(node, (el) => (tag === "*" || el.tag === tag) && classes.every((c) => hasClass(el, c)));
}

export function text(node: Node): string {
  return typeof node === "string" ? node : node.children.map(text).join("");
}
