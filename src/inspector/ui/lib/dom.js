import { update } from "./router.js";

// DOM helpers for the inspector: one element factory and a few formatters. No framework: each view
// rebuilds its own small subtree when its data changes, and long lists go through VirtualList.

/**
 * h("div.row.selected", { onclick, title: "x" }, "text", child, [more, children])
 * A tag with optional .classes; props set as properties (on*, className, hidden, value…) or, for
 * data-*, aria-* and role, as attributes; children are nodes, strings or nested arrays (null skipped).
 */
export function h(spec, props, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  if (props && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = undefined;
  }
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className += ` ${value}`;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (/^(data-|aria-|role$|for$|tabindex$)/.test(key))
      el.setAttribute(key, value === true ? "" : value);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const shown = new WeakMap();

/**
 * Fills `el` with `render()` unless it already shows `key` (live refreshes come every second
 * under a live clock; redrawing unchanged content would lose the reader's selection and focus).
 * Every fill of such an element goes through here.
 */
export function fillChanged(el, key, render) {
  if (shown.get(el) === key) return;
  shown.set(el, key);
  fill(el, render());
}

/** "2026-01-01 00:00:04" from an ISO time (seconds). */
export function shortTime(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "";
}

/** "00:00:04.125" from an ISO time: the time of day, to the millisecond. */
export function timeOfDay(iso) {
  return iso ? iso.slice(11, 23) : "";
}

/** Pretty JSON when the text is JSON, else the text. */
export function pretty(text) {
  if (!text) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A small label chip. */
export function chip(text, cls = "", title) {
  return h(`span.chip${cls ? `.${cls.split(" ").join(".")}` : ""}`, { title }, text);
}

/** Is the keyboard event aimed at a text field (so single-key shortcuts must not fire)? */
export function typing(event) {
  const t = event.target;
  return t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

/** A labelled section with a heading. */
export function section(title, ...children) {
  return h("section.card", h("h3", title), ...children);
}

/** A table with a header row: table("grid", ["name", "email"], rows) where rows are <tr>s. */
export function table(cls, headers, rows) {
  return h(
    `table.${cls}`,
    h(
      "thead",
      h(
        "tr",
        headers.map((t) => h("th", t)),
      ),
    ),
    h("tbody", rows),
  );
}

/** A details pane's title with a close button that clears `param` from the address. */
export function detailHead(title, param) {
  return h(
    "div.detail-head",
    h("h2", title),
    h(
      "button.close",
      {
        type: "button",
        "aria-label": "close details",
        onclick: () => update({ [param]: "" }, { push: true }),
      },
      "×",
    ),
  );
}

/** A two-column key/value table. */
export function facts(pairs) {
  return h(
    "dl.facts",
    pairs.filter(Boolean).flatMap(([k, v]) => [h("dt", k), h("dd", v ?? "–")]),
  );
}
