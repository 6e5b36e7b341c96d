// Hash routing: #/view?key=value&… names the view and its selection, so any state can be shared
// as a link and the back button walks through selections.

export const VIEWS = ["requests", "confluence", "graph", "matrix", "controls"];

/** The current route: { view, params } (params as a plain object of strings). */
export function current() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = hash.split("?");
  const view = VIEWS.includes(path) ? path : "requests";
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
}

/** The address of a view with params (empty values left out). */
export function href(view, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "" && v !== false) query.set(k, v);
  return `#/${view}${query.size ? `?${query}` : ""}`;
}

/**
 * Changes the current view's params. `replace` (default) keeps history clean for typing in
 * filters; selections push a history entry so Back returns to the previous one.
 */
export function update(changes, { push = false } = {}) {
  const { view, params } = current();
  const next = href(view, { ...params, ...changes });
  if (next === location.hash) return;
  if (push) location.hash = next;
  else {
    history.replaceState(null, "", next);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  }
}
