import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { lineTable } from "../oracle/matrix.ts";
import { CELL_STATES, type CellState, type MatrixItem, type MatrixSnapshot } from "../oracle/matrix-types.ts";
import { externalHeadline, failureText } from "../reporters.ts";
import type { ScenarioResult } from "../results.ts";

/**
 * The HTML report: one self-contained file (inline CSS, JS and data) that opens from disk.
 * Tables are rendered here so the page reads without scripts; the inline script adds the explain
 * tooltip, the details panel, filters and deep links (#s0-m1-u2-i3) from an embedded JSON block
 * that holds each cell's explain chain as indices into a per-snapshot line table.
 */

export interface HtmlReportOptions {
  /** Shown in the header; omitted when undefined (keeps test output stable). */
  generatedAt?: Date;
  /** Paths are shown relative to this directory (default: the working directory). */
  root?: string;
}

interface StateInfo {
  label: string;
  glyph: string;
  help: string;
}

export const STATE_INFO: Record<CellState, StateInfo> = {
  allowed: { label: "match: allowed", glyph: "✓", help: "Confluence allows and the index grants" },
  denied: { label: "match: denied", glyph: "·", help: "Confluence denies and the index denies" },
  notIndexed: {
    label: "not indexed",
    glyph: "",
    help: "the item is not in the index and Confluence denies this user",
  },
  over: {
    label: "OVER-EXPOSED",
    glyph: "!",
    help: "the index grants what Confluence denies — a connector bug (security)",
  },
  documentedOver: {
    label: "over-exposed (documented)",
    glyph: "!",
    help: "the index grants what Confluence denies, explained by a documented limitation",
  },
  under: {
    label: "UNDER-EXPOSED",
    glyph: "✗",
    help: "Confluence allows but the index does not grant — a connector bug",
  },
  documentedUnder: {
    label: "under-exposed (documented)",
    glyph: "✗",
    help: "Confluence allows, the index does not, explained by a documented limitation",
  },
};

const asset = (name: string) => readFileSync(new URL(name, import.meta.url), "utf8");

export function htmlReport(results: ScenarioResult[], options: HtmlReportOptions = {}): string {
  const root = options.root ?? process.cwd();
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const seeds = [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b);
  const totals = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  for (const r of results) {
    const last = r.matrix?.at(-1);
    if (last) for (const s of CELL_STATES) totals[s] += last.counts[s];
  }
  // One line table for the whole report: scenarios on the same fixture repeat most explain lines.
  const { lines, intern } = lineTable();
  const data = {
    states: CELL_STATES,
    info: STATE_INFO,
    lines,
    scenarios: results.map((r) => ({
      name: r.name,
      file: relative(root, r.file) || r.file,
      snapshots: (r.matrix ?? []).map((m) => {
        const global = m.lines.map(intern);
        return {
          afterStep: m.afterStep,
          users: m.users.map((u) => u.upn),
          items: m.items.map((i) => [i.id, i.title]),
          explain: m.cells.map((row) => row.map((c) => c.explain.map((k) => global[k]))),
        };
      }),
    })),
  };
  const title = `cgsim report — ${passed} passed, ${failed} failed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${asset("./style.css")}</style>
</head>
<body>
<header class="top">
  <h1>cgsim <span>scenario report</span></h1>
  <div class="totals">
    <span class="pill ${failed ? "fail" : "pass"}">${failed ? `${failed} failed` : "all passed"}</span>
    <span><b>${results.length}</b> scenarios</span>
    <span><b>${passed}</b> passed</span>
    <span><b>${failed}</b> failed</span>
    <span>seed${seeds.length === 1 ? "" : "s"} <b>${seeds.join(", ") || "–"}</b></span>
    ${options.generatedAt ? `<span class="dim">${esc(options.generatedAt.toISOString().replace("T", " ").slice(0, 19))} UTC</span>` : ""}
  </div>
</header>
<nav class="toolbar">
  <label><input type="checkbox" id="only-failing"> only failing scenarios</label>
  <label><input type="checkbox" id="only-diff"> only differences</label>
  ${legend(totals)}
</nav>
${summary(results, root)}
<main>
${results.map((r, i) => scenarioSection(r, i, root)).join("\n")}
</main>
<aside id="panel" class="panel" hidden>
  <button type="button" class="close" aria-label="close">×</button>
  <h3 id="panel-title"></h3>
  <p id="panel-state"></p>
  <pre id="panel-explain"></pre>
  <p class="cmd">replay: <code id="panel-cmd"></code></p>
</aside>
<div id="tip" class="tip" hidden></div>
<script type="application/json" id="cgsim-data">${JSON.stringify(data).replace(/</g, "\\u003c")}</script>
<script>
${asset("./client.js")}</script>
</body>
</html>
`;
}

function legend(totals: Record<CellState, number>): string {
  // In the sticky toolbar, so the key stays in view beside any matrix; the help is each entry's title.
  const rows = CELL_STATES.map(
    (s) =>
      `<li title="${esc(`${STATE_INFO[s].help} (${totals[s]} cells in the final matrices)`)}"><span class="c ${s}">${STATE_INFO[s].glyph}</span>${esc(STATE_INFO[s].label)} <span class="n">${totals[s]}</span></li>`,
  );
  return `<ul class="legend" aria-label="legend">${rows.join("")}</ul>`;
}

function summary(results: ScenarioResult[], root: string): string {
  const rows = results.map((r, i) => {
    const last = r.matrix?.at(-1);
    const c = last?.counts;
    const diff = (n: number | undefined, cls: string) =>
      n ? `<span class="chip ${cls}">${n}</span>` : `<span class="dim">0</span>`;
    const failures = r.ok ? "" : `<pre class="failure">${esc(failureHeadlines(r))}</pre>`;
    return `<tr class="${r.ok ? "pass" : "fail"}" data-s="${i}">
  <td><span class="pill ${r.ok ? "pass" : "fail"}">${r.ok ? "pass" : "FAIL"}</span></td>
  <td><a href="#s${i}">${esc(r.name)}</a><div class="dim">${esc(relative(root, r.file) || r.file)}</div>${failures}</td>
  <td class="num">${r.seed}</td>
  <td class="num">${r.steps.length}${r.skipped ? ` <span class="dim">+${r.skipped} not run</span>` : ""}</td>
  <td class="num">${c ? diff(c.over, "over") : "–"}</td>
  <td class="num">${c ? diff(c.under, "under") : "–"}</td>
  <td class="num">${c ? (c.documentedOver || c.documentedUnder ? `${c.documentedOver ? diff(c.documentedOver, "documentedOver") : ""} ${c.documentedUnder ? diff(c.documentedUnder, "documentedUnder") : ""}` : diff(0, "")) : "–"}</td>
  <td class="num">${r.wallMs} ms</td>
</tr>`;
  });
  return `<section class="summary"><h2>Scenarios</h2><table>
<thead><tr><th>result</th><th>scenario</th><th>seed</th><th>steps</th><th title="over-exposed cells (bugs)">over</th><th title="under-exposed cells (bugs)">under</th><th title="documented over- and under-exposed cells">documented</th><th>wall</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table></section>`;
}

/** One line per failed step: where, and the first line of each failure (details in the section). */
function failureHeadlines(r: ScenarioResult): string {
  if (r.error) return r.error.split("\n").slice(0, 3).join("\n");
  const lines: string[] = [];
  for (const s of r.steps.filter((x) => !x.ok)) {
    lines.push(`step ${s.index + 1} (${s.kind}, line ${s.line}) failed:`);
    for (const f of s.failures) lines.push(`  ${f.split("\n")[0]}`);
  }
  return lines.join("\n");
}

function scenarioSection(r: ScenarioResult, s: number, root: string): string {
  const file = relative(root, r.file) || r.file;
  const steps = r.steps.map(
    (st) =>
      `<li class="${st.ok ? "ok" : "bad"}"><span>${st.ok ? "✓" : "✗"}</span> <b>${st.index + 1}</b> ${esc(st.summary)} <span class="dim">line ${st.line}</span>${
        st.failures.length ? `<pre class="failure">${esc(st.failures.join("\n"))}</pre>` : ""
      }</li>`,
  );
  const snapshots = r.matrix ?? [];
  const tabs =
    snapshots.length > 1
      ? `<div class="tabs" role="tablist">${snapshots
          .map(
            (m, i) =>
              `<button type="button" role="tab" data-m="${i}" class="${i === snapshots.length - 1 ? "on" : ""}">${esc(m.label)}</button>`,
          )
          .join("")}</div>`
      : "";
  return `<section class="scenario ${r.ok ? "pass" : "fail"}" id="s${s}" data-s="${s}">
<h2><span class="pill ${r.ok ? "pass" : "fail"}">${r.ok ? "pass" : "FAIL"}</span> ${esc(r.name)}</h2>
<p class="meta">${esc(file)} · seed ${r.seed} · ${r.transport}${r.tags.length ? ` · ${r.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(" ")}` : ""} · ${r.requests} requests · ${r.wallMs} ms</p>
${r.error ? `<pre class="failure">${esc(r.error)}</pre>` : ""}
${
  r.ok
    ? ""
    : `<p class="replay">replay: <code>${esc(
        failureText(r)
          .split("\n")
          .at(-1)!
          .replace(/^replay: /, ""),
      )}</code></p>`
}
${r.ok || r.error ? "" : `<pre class="failure">${esc(failureHeadlines(r))}</pre>`}
${externalSection(r)}
<details class="steps"><summary>${r.steps.length} step${r.steps.length === 1 ? "" : "s"} run${r.skipped ? `, ${r.skipped} not run` : ""}${r.ok ? "" : " — expand for the full failure messages"}</summary><ol>${steps.join("")}</ol></details>
${snapshots.length ? tabs + snapshots.map((m, i) => snapshotView(m, s, i, i === snapshots.length - 1)).join("") : `<p class="dim">no permission matrix (the scenario did not run, or the report was made without matrices)</p>`}
</section>`;
}

/** Each external connector run with its whole (bounded) stdout and stderr, passed or failed. */
function externalSection(r: ScenarioResult): string {
  const runs = r.steps.flatMap((step) => (step.external ? [{ ...step, external: step.external }] : []));
  if (runs.length === 0) return "";
  const stream = (name: string, text: string) =>
    `<h4>${name}</h4>${text.trim() ? `<pre class="output ${name}">${esc(text)}</pre>` : `<p class="dim">(empty)</p>`}`;
  const items = runs.map(
    (step) =>
      `<details class="external ${step.ok ? "ok" : "bad"}"${step.ok ? "" : " open"}><summary>${esc(externalHeadline(step))}</summary>${
        step.external.refusedHosts?.length
          ? `<p class="note">cgsim's proxy refused ${esc(step.external.refusedHosts.join(", "))} (no twin answers there)</p>`
          : ""
      }${stream("stdout", step.external.stdout)}${stream("stderr", step.external.stderr)}</details>`,
  );
  return `<div class="externals"><h3>External connector</h3>${items.join("")}</div>`;
}

function snapshotView(m: MatrixSnapshot, s: number, i: number, shown: boolean): string {
  const head = `<p class="snap-meta"><b>${esc(m.label)}</b> · ${m.users.length} users × ${m.items.length} items${CELL_STATES.filter(
    (st) => m.counts[st] && st !== "allowed" && st !== "denied" && st !== "notIndexed",
  )
    .map((st) => ` <span class="chip ${st}">${m.counts[st]} ${esc(STATE_INFO[st].label)}</span>`)
    .join(
      "",
    )}${staleChips(m)} <span class="hint">hover a cell for its explain chain, click to pin it</span></p>${
    m.users.length < m.total.users || m.items.length < m.total.items
      ? `<p class="note">showing ${m.users.length} of ${m.total.users} users × ${m.items.length} of ${m.total.items} items (the first users, items from every space in turn: capped to keep the report small; the parity expectation covers every pair)</p>`
      : ""
  }${m.error ? `<pre class="failure">matrix not available: ${esc(m.error)}</pre>` : ""}`;
  // Space header: one cell spanning each run of items in the same space.
  const spans: { space: string; n: number }[] = [];
  for (const item of m.items) {
    const last = spans.at(-1);
    if (last?.space === item.space) last.n++;
    else spans.push({ space: item.space, n: 1 });
  }
  const spaceRow = `<tr class="spaces"><th class="corner"></th>${spans.map((x) => `<th colspan="${x.n}">${esc(x.space)}</th>`).join("")}</tr>`;
  const itemRow = `<tr class="items"><th class="corner">user \\ item</th>${m.items
    .map(
      (it) =>
        `<th class="col${it.indexed ? "" : " unindexed"}${it.status === "current" ? "" : ` ${esc(it.status)}`}${it.stale ? ` ${it.stale.documented ? "stale-documented" : "stale"}` : ""}" title="${esc(`${it.type} ${it.id} "${it.title}" in ${it.space}${it.status === "current" ? "" : ` (${it.status})`}${it.indexed ? "" : " — not indexed"}${staleNote(it)}`)}"><span>${it.stale ? "⟳ " : ""}${it.type === "blogpost" ? "✎ " : ""}${esc(it.id)} ${esc(short(it.title, 18))}</span></th>`,
    )
    .join("")}</tr>`;
  const body = m.users
    .map(
      (u, ui) =>
        `<tr data-u="${ui}"><th class="row" title="${esc(u.upn)}">${esc(short(u.name, 22))}${u.guest ? ' <span class="tag">guest</span>' : ""}<small>${esc(u.upn)}</small></th>${m.cells[
          ui
        ]
          .map((c) => `<td class="c ${c.state}">${STATE_INFO[c.state].glyph}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<div class="snapshot" data-m="${i}"${shown ? "" : " hidden"}>${head}<div class="matrix-wrap"><table class="matrix" data-s="${s}" data-m="${i}" data-after-step="${m.afterStep}">
<thead>${spaceRow}${itemRow}</thead>
<tbody>
${body}
</tbody></table></div></div>`;
}

/** Chips for the snapshot's stale items (the freshness oracle), by verdict. */
function staleChips(m: MatrixSnapshot): string {
  const stale = m.items.filter((i) => i.stale);
  const bugs = stale.filter((i) => !i.stale?.documented).length;
  const documented = stale.length - bugs;
  return `${bugs ? ` <span class="chip stale">${bugs} stale (connector bug)</span>` : ""}${
    documented ? ` <span class="chip staleDocumented">${documented} stale (expected)</span>` : ""
  }`;
}

function staleNote(it: MatrixItem): string {
  if (!it.stale) return "";
  return ` — STALE ${it.stale.fields.join(", ")} (${it.stale.documented ? "expected" : "connector bug"}): ${it.stale.reason}`;
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function esc(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
