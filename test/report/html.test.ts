import { beforeAll, describe, expect, it } from "vitest";
import { failedResult } from "../../src/scenarios/batch/failed-result.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { CELL_STATES } from "../../src/scenarios/oracle/matrix-types.ts";
import { htmlReport } from "../../src/scenarios/report/html.ts";
import type { ScenarioResult } from "../../src/scenarios/results.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { $$, all, type El, hasClass, parseHtml, text } from "./dom.ts";
import { runInjectedBugScenario, runReportScenarios } from "./fixture.ts";

interface ReportData {
  lines: string[];
  scenarios: {
    file: string;
    snapshots: {
      afterStep: number;
      users: string[];
      items: string[][];
      explain: number[][][];
    }[];
  }[];
}

let results: ScenarioResult[];
let html: string;
let doc: El;
let data: ReportData;

beforeAll(async () => {
  results = await runReportScenarios();
  html = htmlReport(results);
  doc = parseHtml(html);
  const json = $$(doc, "script").find((s) => s.attrs.id === "cgsim-data")!;
  data = JSON.parse(text(json));
}, 60_000);

/** The cell of a user × item in a scenario's shown snapshot, with its explain text. */
function cell(s: number, upn: string, itemId: string, m?: number) {
  const section = $$(doc, "section", "scenario").find((x) => x.attrs.id === `s${s}`)!;
  const snaps = data.scenarios[s].snapshots;
  const mi = m ?? snaps.length - 1;
  const table = $$(section, "table", "matrix").find((t) => t.attrs["data-m"] === String(mi))!;
  const snap = snaps[mi];
  const u = snap.users.indexOf(upn);
  const i = snap.items.findIndex(([id]) => id === itemId);
  const row = $$(table, "tr").find((tr) => tr.attrs["data-u"] === String(u))!;
  const td = $$(row, "td")[i];
  return { td, explain: snap.explain[u][i].map((k) => data.lines[k]).join("\n") };
}

describe("HTML report", () => {
  it("is one self-contained document: inline style and script, no external references", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect($$(doc, "style")).toHaveLength(1);
    expect($$(doc, "link")).toHaveLength(0);
    for (const s of $$(doc, "script")) expect(s.attrs.src).toBeUndefined();
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it("summarises totals, seeds and each scenario's result with its failed step messages", () => {
    const totals = text($$(doc, "div", "totals")[0]).replace(/\s+/g, " ");
    expect(totals).toContain("2 scenarios");
    expect(totals).toContain("1 passed");
    expect(totals).toContain("1 failed");
    expect(totals).toContain("seeds 1, 9");
    const rows = $$($$(doc, "section", "summary")[0], "tbody")[0].children.filter(
      (c): c is El => typeof c !== "string",
    );
    expect(rows.map((r) => r.attrs.class)).toEqual(["pass", "fail"]);
    const failure = text($$(rows[1], "pre", "failure")[0]);
    expect(failure).toContain("step 3 (expect");
    expect(failure).toContain('search as bob@contoso.com for "salary": does not find 1001');
  });

  it("renders a users × items matrix per snapshot, one coloured cell per pair", () => {
    for (const [s, r] of results.entries()) {
      const section = $$(doc, "section", "scenario").find((x) => x.attrs.id === `s${s}`)!;
      expect(hasClass(section, r.ok ? "pass" : "fail")).toBe(true);
      const tables = $$(section, "table", "matrix");
      expect(tables).toHaveLength(r.matrix!.length);
      for (const [m, table] of tables.entries()) {
        const snap = r.matrix![m];
        const cells = $$(table, "td", "c");
        expect(cells).toHaveLength(snap.users.length * snap.items.length);
        for (const state of CELL_STATES)
          expect(cells.filter((c) => hasClass(c, state)).length).toBe(snap.counts[state]);
      }
    }
    // The failing scenario changed a restriction after its crawl: a second snapshot, shown last.
    expect(results[1].matrix!.map((m) => m.label)).toEqual([
      "after step 1: crawl full: 17 indexed, 0 unchanged, 0 deleted, 0 failed",
      "where it stopped (step 3 failed)",
    ]);
    const views = $$($$(doc, "section", "scenario")[1], "div", "snapshot");
    expect(views.map((v) => v.attrs.hidden)).toEqual(["", undefined]);
    expect($$($$(doc, "section", "scenario")[1], "button").map((b) => text(b))).toHaveLength(2);
  });

  it("colours documented over-exposure with its reason, and agreements as matches", () => {
    const over = cell(0, "erin@contoso.com", "2001");
    expect(over.td.attrs.class).toBe("c documentedOver");
    expect(over.explain).toContain('explain erin@contoso.com × 2001 "Compensation appendix"');
    expect(over.explain).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
    expect(over.explain).toContain("documented limitation: parent restrictions ignored (documented policy)");

    const allowed = cell(0, "alice@contoso.com", "1001");
    expect(allowed.td.attrs.class).toBe("c allowed");
    expect(allowed.explain).toContain("Verdict: agree (both allow)");
    const denied = cell(0, "bob@contoso.com", "1001");
    expect(denied.td.attrs.class).toBe("c denied");
    expect(denied.explain).toContain("Verdict: agree (both deny)");
    // 1007: the crawl account cannot read it, so it is not in the index.
    const absent = cell(0, "bob@contoso.com", "1007");
    expect(absent.td.attrs.class).toBe("c notIndexed");
    expect(absent.explain).toContain("item not in the index");
  });

  it("shows the staleness of a permission change made after the crawl", () => {
    const before = cell(1, "bob@contoso.com", "1002", 0);
    const after = cell(1, "bob@contoso.com", "1002", 1);
    expect(before.td.attrs.class).toBe("c allowed");
    expect(after.td.attrs.class).toBe("c documentedOver");
    expect(after.explain).toContain("not crawled since: restricted 1002");
  });

  it("has a legend with every state and the filters", () => {
    const legend = $$(doc, "ul", "legend")[0];
    for (const state of CELL_STATES) expect($$(legend, "span", "c", state)).toHaveLength(1);
    expect(text(legend)).toContain("OVER-EXPOSED");
    const ids = $$(doc, "input").map((i) => i.attrs.id);
    expect(ids).toEqual(["only-failing", "only-diff"]);
  });

  it("caps big matrices and says so", async () => {
    const loaded = loadScenarioObject({ name: "capped", steps: [{ crawl: "full" }] });
    const capped = await runScenario(loaded, { matrix: { maxUsers: 3, maxItems: 5 } });
    const snap = capped.matrix![0];
    expect([snap.users.length, snap.items.length]).toEqual([3, 5]);
    expect(snap.total).toEqual({ users: 8, items: 19 });
    const page = parseHtml(htmlReport([capped]));
    expect($$(page, "td", "c")).toHaveLength(15);
    // Items come from every space in turn (ENG, HR, PARTNER, PUB, then ENG again).
    expect(snap.items.map((i) => i.space)).toEqual(["ENG", "ENG", "HR", "PARTNER", "PUB"]);
    expect(text($$(page, "p", "note")[0])).toContain("showing 3 of 8 users × 5 of 19 items");
  });
});

describe("HTML report edge cases", () => {
  it("escapes titles in markup and in the embedded data", async () => {
    const title = `</script><b onmouseover="x">Q&A</b> 'quoted'`;
    const loaded = loadScenarioObject({
      name: "<i>escaped</i>",
      steps: [{ confluence: { create: { space: "ENG", id: 5000, title } } }, { crawl: "full" }],
    });
    const result = await runScenario(loaded, { matrix: true });
    const page = parseHtml(htmlReport([result]));
    // Nothing from the title or the name became markup.
    expect(all(page, (el) => "onmouseover" in el.attrs)).toHaveLength(0);
    expect($$(page, "b").filter((b) => text(b) === "Q&A")).toHaveLength(0);
    expect($$(page, "i")).toHaveLength(0);
    expect(text($$(page, "h2").find((h) => text(h).includes("escaped"))!)).toContain("<i>escaped</i>");
    const heads = $$(page, "th", "col").map((th) => th.attrs.title);
    expect(heads).toContain(`page 5000 "${title}" in ENG`);
    const json = $$(page, "script").find((s) => s.attrs.id === "cgsim-data")!;
    const embedded: ReportData = JSON.parse(text(json));
    expect(embedded.scenarios[0].snapshots[0].items).toContainEqual(["5000", title]);
  });

  it("reports a scenario that never ran, without a matrix", () => {
    const page = parseHtml(
      htmlReport([failedResult("broken.yaml", "cannot load:\nbroken.yaml:1:1: name: required")]),
    );
    const section = $$(page, "section", "scenario", "fail")[0];
    expect(text($$(section, "pre", "failure")[0])).toContain("broken.yaml:1:1: name: required");
    expect($$(section, "table")).toHaveLength(0);
    expect(text(section)).toContain("no permission matrix");
  });
});

describe("HTML report of a connector bug", () => {
  it("colours undocumented over-exposure red, with the chain that names it a connector bug", async () => {
    const result = await runInjectedBugScenario();
    expect(result.ok).toBe(false);
    const page = parseHtml(htmlReport([result]));
    const json = $$(page, "script").find((s) => s.attrs.id === "cgsim-data")!;
    const embedded: ReportData = JSON.parse(text(json));
    const snap = embedded.scenarios[0].snapshots[0];
    const u = snap.users.indexOf("erin@contoso.com");
    const i = snap.items.findIndex(([id]) => id === "2001");
    const row = $$(page, "tr").find((tr) => tr.attrs["data-u"] === String(u))!;
    expect($$(row, "td")[i].attrs.class).toBe("c over");
    const explain = snap.explain[u][i].map((k) => embedded.lines[k]).join("\n");
    expect(explain).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
    expect(explain).toContain("connector bug: Confluence denies: view restriction on ancestor");
    const summaryRow = $$(page, "tr", "fail")[0];
    expect($$(summaryRow, "span", "chip", "over").map(text)).toEqual([String(result.matrix![0].counts.over)]);
    expect(result.matrix![0].counts.over).toBeGreaterThan(0);
  });
});
