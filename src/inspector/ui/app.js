// The inspector's shell: navigation, hash routing, the live event stream, keyboard shortcuts and
// the colour scheme. Each view is a class in views/ with mount-once DOM and update/refresh hooks.
import { adoptToken, getJson, live } from "./lib/api.js";
import { fill, h, shortTime, typing } from "./lib/dom.js";
import { current, href, VIEWS } from "./lib/router.js";
import { ConfluenceView } from "./views/confluence.js";
import { ControlsView } from "./views/controls.js";
import { GraphView } from "./views/graph.js";
import { MatrixView } from "./views/matrix.js";
import { RequestsView } from "./views/requests.js";

const VIEW_CLASSES = {
  requests: RequestsView,
  confluence: ConfluenceView,
  graph: GraphView,
  matrix: MatrixView,
  controls: ControlsView,
};
const TITLES = {
  requests: "Requests",
  confluence: "Confluence",
  graph: "Graph",
  matrix: "Who sees what",
  controls: "Controls",
};

adoptToken();

/** What views share: the oracle's cell states, and a way to report errors. */
const shared = {
  states: JSON.parse(document.getElementById("cgsim-states")?.textContent ?? '{"states":[],"info":{}}'),
  clock: "",
  /** The journal as the last event described it: { lastSeq, entries }. */
  journal: undefined,
};

const main = document.getElementById("main");
const nav = document.getElementById("nav");
fill(
  nav,
  VIEWS.map((name, i) =>
    h("a", { href: href(name), "data-view": name, title: `${TITLES[name]} (${i + 1})` }, TITLES[name]),
  ),
);

let active;
function show() {
  const { view, params } = current();
  if (active?.name !== view) {
    active?.view.unmount?.();
    const instance = new VIEW_CLASSES[view](shared);
    main.replaceChildren(instance.el);
    active = { name: view, view: instance };
  }
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.view === view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${TITLES[view]} — cgsim inspector`;
  return active.view.update(params);
}
window.addEventListener("hashchange", () => void show());

// Live updates: one refresh of the view in flight at a time, at most one every 300 ms, and the
// latest change always seen.
let refreshing = false;
let again = false;
async function refreshSoon() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    await active?.view.refresh?.();
  } catch {}
  // Counts finished refreshes (tests wait for the next one).
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  await new Promise((r) => setTimeout(r, 300));
  refreshing = false;
  if (again) {
    again = false;
    refreshSoon();
  }
}
const clock = document.getElementById("clock");
const setClock = (iso) => {
  shared.clock = iso;
  clock.textContent = shortTime(iso);
};
const liveBadge = document.getElementById("live");
live(
  {
    hello(data) {
      setClock(data.clock);
      shared.journal = data;
      refreshSoon();
    },
    requests(entries) {
      active?.view.onRequests?.(entries);
    },
    state(data) {
      setClock(data.clock);
      shared.journal = data;
      if (data.resync) active?.view.resync?.();
      refreshSoon();
    },
  },
  (connected) => {
    liveBadge.textContent = connected ? "live" : "reconnecting…";
    liveBadge.classList.toggle("on", connected);
  },
);

// Colour scheme: automatic (the system's), light or dark; remembered in this browser.
const themeButton = document.getElementById("theme");
const THEMES = ["auto", "light", "dark"];
function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  themeButton.textContent = `◐ ${theme}`;
  localStorage.setItem("cgsim.theme", theme);
}
const nextTheme = () =>
  applyTheme(THEMES[(THEMES.indexOf(localStorage.getItem("cgsim.theme") ?? "auto") + 1) % 3]);
applyTheme(localStorage.getItem("cgsim.theme") ?? "auto");
themeButton.addEventListener("click", nextTheme);

const help = document.getElementById("help");
document.getElementById("help-button").addEventListener("click", () => help.showModal());

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
  const digit = Number(event.key);
  if (digit >= 1 && digit <= VIEWS.length) {
    location.hash = href(VIEWS[digit - 1]);
    event.preventDefault();
  } else if (event.key === "/") {
    active?.view.focusFilter?.();
    event.preventDefault();
  } else if (event.key === "t") nextTheme();
  else if (event.key === "?") help.showModal();
  else active?.view.key?.(event);
});

getJson("/_sim/clock")
  .then((c) => setClock(c.now))
  .catch(() => {});
try {
  await show();
} finally {
  document.body.classList.add("ready");
}
