import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlReport } from "../../src/scenarios/report/html.ts";
import type { ScenarioResult } from "../../src/scenarios/results.ts";
import { CHROMIUM, chromium, haveChromium, pngInfo } from "./chromium.ts";
import { $$, hasClass, parseHtml, text } from "./dom.ts";
import { runReportScenarios } from "./fixture.ts";

// The report rendered by a real browser from file://: scripts ran, the deep-linked cell's
// details panel is filled, the filters marked rows and columns, and the page is not blank.
// CI installs Chromium (.ci/run); elsewhere the test is skipped when it is missing.
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing (.ci/run installs it)`);

describe.skipIf(!haveChromium)("HTML report in headless Chromium", () => {
  let dir: string;
  let url: string;
  let results: ScenarioResult[];

  beforeAll(async () => {
    results = await runReportScenarios();
    dir = mkdtempSync(join(tmpdir(), "cgsim-report-"));
    writeFileSync(join(dir, "report.html"), htmlReport(results));
    url = pathToFileURL(join(dir, "report.html")).href;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the scripts: a deep link opens the cell's explain chain in the details panel", async () => {
    const snap = results[0].matrix!.at(-1)!;
    const u = snap.users.findIndex((x) => x.upn === "erin@contoso.com");
    const i = snap.items.findIndex((x) => x.id === "2001");
    const m = results[0].matrix!.length - 1;
    const dom = parseHtml(await chromium(`${url}#s0-m${m}-u${u}-i${i}`, ["--dump-dom"]));

    const body = $$(dom, "body")[0];
    expect(hasClass(body, "ready")).toBe(true);
    expect(hasClass(body, "with-panel")).toBe(true);
    const panel = $$(dom, "aside", "panel")[0];
    expect(panel.attrs.hidden).toBeUndefined();
    const byId = (id: string) => $$(dom, "*").find((el) => el.attrs.id === id)!;
    expect(text(byId("panel-title"))).toBe("erin@contoso.com × 2001 “Compensation appendix”");
    expect(byId("panel-state").attrs.class).toBe("state documentedOver");
    const explain = text(byId("panel-explain"));
    expect(explain).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
    expect(explain).toContain("parent restrictions ignored (documented policy)");
    expect(text(byId("panel-cmd"))).toBe(
      `cgsim explain ${results[0].file} --user erin@contoso.com --item 2001 --after-step ${snap.afterStep}`,
    );

    const pinned = $$(dom, "td", "pinned");
    expect(pinned).toHaveLength(1);
    expect(hasClass(pinned[0], "documentedOver")).toBe(true);
    // Every cell rendered, and the "only differences" pass marked rows without one.
    const table = $$($$(dom, "section", "scenario")[0], "table", "matrix")[m];
    expect($$(table, "td", "c")).toHaveLength(snap.users.length * snap.items.length);
    const rows = $$(table, "tr").filter((tr) => tr.attrs["data-u"] !== undefined);
    const withDiff = snap.cells.map((row) =>
      row.some((c) => !["allowed", "denied", "notIndexed"].includes(c.state)),
    );
    expect(rows.map((tr) => !hasClass(tr, "nodiff"))).toEqual(withDiff);
  }, 90_000);

  it("renders a screenshot that is not blank", async () => {
    const file = join(dir, "report.png");
    await chromium(url, [`--screenshot=${file}`]);
    const png = pngInfo(readFileSync(file));
    expect([png.width, png.height]).toEqual([1400, 900]);
    expect(png.distinctRows).toBeGreaterThan(200);
  }, 90_000);
});
