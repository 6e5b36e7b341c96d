// The HTML report's inline script: explain tooltip, pinned details panel, tabs, filters and deep
// links (#s0-m1-u2-i3). Plain browser JavaScript, no dependencies; the page works from file://.
(() => {
  const data = JSON.parse(document.getElementById("cgsim-data").textContent);
  const tip = document.getElementById("tip");
  const panel = document.getElementById("panel");
  const diffStates = new Set(["over", "under", "documentedOver", "documentedUnder"]);

  /** Where a matrix cell sits: scenario, snapshot, user and item indices. */
  function locate(td) {
    const table = td.closest("table.matrix");
    const tr = td.parentElement;
    if (!table || !tr.dataset.u) return undefined;
    return { s: +table.dataset.s, m: +table.dataset.m, u: +tr.dataset.u, i: td.cellIndex - 1, td, table };
  }

  function describe(at) {
    const scenario = data.scenarios[at.s];
    const snap = scenario.snapshots[at.m];
    const state = data.states.find((st) => at.td.classList.contains(st));
    const [id, title] = snap.items[at.i];
    return {
      title: `${snap.users[at.u]} × ${id} “${title}”`,
      state,
      label: data.info[state].label,
      explain: snap.explain[at.u][at.i].map((k) => data.lines[k]).join("\n"),
      command: `cgsim explain ${scenario.file} --user ${snap.users[at.u]} --item ${id} --after-step ${snap.afterStep}`,
    };
  }

  function crosshair(at, on) {
    at.td.parentElement.classList.toggle("hover", on);
    const head = at.table.querySelectorAll("tr.items th.col")[at.i];
    if (head) head.classList.toggle("hover", on);
  }

  let hovered;
  document.addEventListener("mouseover", (event) => {
    const td = event.target.closest?.("table.matrix td.c");
    if (hovered && hovered.td !== td) {
      crosshair(hovered, false);
      hovered = undefined;
      tip.hidden = true;
    }
    if (!td || hovered) return;
    hovered = locate(td);
    if (!hovered) return;
    crosshair(hovered, true);
    const d = describe(hovered);
    tip.innerHTML = "";
    const h = document.createElement("div");
    h.className = `tip-head ${d.state}`;
    h.textContent = `${d.label} — ${d.title}`;
    const pre = document.createElement("pre");
    pre.textContent = d.explain;
    tip.append(h, pre);
    tip.hidden = false;
  });
  document.addEventListener("mousemove", (event) => {
    if (tip.hidden) return;
    const pad = 16;
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    let x = event.clientX + pad;
    let y = event.clientY + pad;
    if (x + w > window.innerWidth - 8) x = Math.max(8, event.clientX - w - pad);
    if (y + h > window.innerHeight - 8) y = Math.max(8, window.innerHeight - h - 8);
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  });

  function pin(at, scroll) {
    for (const old of document.querySelectorAll("td.pinned")) old.classList.remove("pinned");
    at.td.classList.add("pinned");
    const d = describe(at);
    document.getElementById("panel-title").textContent = d.title;
    const state = document.getElementById("panel-state");
    state.className = `state ${d.state}`;
    state.textContent = d.label;
    document.getElementById("panel-explain").textContent = d.explain;
    document.getElementById("panel-cmd").textContent = d.command;
    panel.hidden = false;
    document.body.classList.add("with-panel");
    history.replaceState(null, "", `#s${at.s}-m${at.m}-u${at.u}-i${at.i}`);
    // Scroll only when needed: a cell already in view stays put (and headless screenshots of a
    // scrolled page come out blank).
    const box = at.td.getBoundingClientRect();
    const visible =
      box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth;
    if (scroll && !visible) at.td.scrollIntoView({ block: "center", inline: "center" });
  }

  document.addEventListener("click", (event) => {
    const td = event.target.closest("table.matrix td.c");
    if (td) {
      const at = locate(td);
      if (at) pin(at, false);
      return;
    }
    if (event.target.closest("#panel .close")) {
      panel.hidden = true;
      document.body.classList.remove("with-panel");
      for (const old of document.querySelectorAll("td.pinned")) old.classList.remove("pinned");
      history.replaceState(null, "", location.pathname);
      return;
    }
    const tab = event.target.closest(".tabs button");
    if (tab) showSnapshot(tab.closest("section.scenario"), +tab.dataset.m);
  });

  function showSnapshot(section, m) {
    for (const b of section.querySelectorAll(".tabs button")) b.classList.toggle("on", +b.dataset.m === m);
    for (const v of section.querySelectorAll(".snapshot")) v.hidden = +v.dataset.m !== m;
  }

  // "Only differences": rows and columns without a difference are marked once, hidden by CSS.
  for (const table of document.querySelectorAll("table.matrix")) {
    const rows = [...table.tBodies[0].rows];
    const columns = table.querySelectorAll("tr.items th.col");
    const keep = new Set();
    for (const tr of rows) {
      let any = false;
      for (const td of tr.cells) {
        if (td.tagName !== "TD") continue;
        if ([...diffStates].some((st) => td.classList.contains(st))) {
          any = true;
          keep.add(td.cellIndex);
        }
      }
      tr.classList.toggle("nodiff", !any);
    }
    columns.forEach((th, i) => {
      if (keep.has(i + 1)) return;
      th.classList.add("nodiffc");
      for (const tr of rows) tr.cells[i + 1]?.classList.add("nodiffc");
    });
    if (keep.size === 0) {
      const note = document.createElement("p");
      note.className = "nodiff-note";
      note.textContent = "no differences: truth and index agree on every shown pair";
      table.parentElement.before(note);
    }
  }
  const toggle = (id, cls) => {
    const box = document.getElementById(id);
    box.addEventListener("change", () => document.body.classList.toggle(cls, box.checked));
    document.body.classList.toggle(cls, box.checked);
  };
  toggle("only-failing", "only-failing");
  toggle("only-diff", "only-diff");

  // Deep link: #s0-m1-u2-i3 opens that cell's details.
  const link = /^#s(\d+)-m(\d+)-u(\d+)-i(\d+)$/.exec(location.hash);
  if (link) {
    const [s, m, u, i] = link.slice(1).map(Number);
    const section = document.getElementById(`s${s}`);
    const table = section?.querySelector(`table.matrix[data-m="${m}"]`);
    const td = table?.tBodies[0].rows[u]?.cells[i + 1];
    if (td) {
      showSnapshot(section, m);
      pin(locate(td), true);
    }
  }
  document.body.classList.add("ready");
})();
