import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlReport } from "../../src/scenarios/report/html.ts";
import type { ScenarioResult } from "../../src/scenarios/results.ts";
import { Browser } from "./cdp.ts";
import { haveChromium } from "./chromium.ts";
import { runReportScenarios } from "./fixture.ts";

// Real mouse events in headless Chromium: hover shows the explain tooltip, a click pins the
// details panel and sets the deep link, the "only differences" filter hides agreeing rows.
describe.skipIf(!haveChromium)("HTML report interactions in headless Chromium", () => {
  let dir: string;
  let results: ScenarioResult[];
  let browser: Browser;

  beforeAll(async () => {
    results = await runReportScenarios();
    dir = mkdtempSync(join(tmpdir(), "cgsim-report-"));
    writeFileSync(join(dir, "report.html"), htmlReport(results));
    browser = await Browser.open(pathToFileURL(join(dir, "report.html")).href);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** Scrolls erin × 2001 of the first scenario into view and returns its centre. */
  async function erinCell(): Promise<{ x: number; y: number }> {
    const snap = results[0].matrix!.at(-1)!;
    const u = snap.users.findIndex((x) => x.upn === "erin@contoso.com");
    const i = snap.items.findIndex((x) => x.id === "2001");
    return browser.eval(`(() => {
      const td = document.querySelector("#s0 table.matrix").tBodies[0].rows[${u}].cells[${i + 1}];
      td.scrollIntoView({ block: "center", inline: "center" });
      const box = td.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    })()`);
  }

  it("shows the explain chain on hover and pins it on click", async () => {
    const { x, y } = await erinCell();
    await browser.mouse("mouseMoved", x, y);
    const tip = await browser.eval<{ hidden: boolean; text: string }>(
      `({ hidden: document.getElementById("tip").hidden, text: document.getElementById("tip").textContent })`,
    );
    expect(tip.hidden).toBe(false);
    expect(tip.text).toContain("over-exposed (documented) — erin@contoso.com × 2001");
    expect(tip.text).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");

    await browser.click(x, y);
    const panel = await browser.eval<{ hidden: boolean; title: string; hash: string; pinned: number }>(
      `({ hidden: document.getElementById("panel").hidden,
          title: document.getElementById("panel-title").textContent,
          hash: location.hash,
          pinned: document.querySelectorAll("td.pinned.documentedOver").length })`,
    );
    expect(panel).toMatchObject({
      hidden: false,
      title: "erin@contoso.com × 2001 “Compensation appendix”",
      pinned: 1,
    });
    expect(panel.hash).toMatch(/^#s0-m0-u\d+-i\d+$/);

    // Moving off the matrix hides the tooltip.
    await browser.mouse("mouseMoved", 5, 5);
    expect(await browser.eval<boolean>(`document.getElementById("tip").hidden`)).toBe(true);
  }, 60_000);

  it("filters to differences: agreeing rows disappear, differing ones stay", async () => {
    const box = await browser.eval<{ x: number; y: number }>(`(() => {
      const input = document.getElementById("only-diff");
      input.scrollIntoView({ block: "center" });
      const b = input.getBoundingClientRect();
      return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
    })()`);
    await browser.click(box.x, box.y);
    const shown = await browser.eval<
      string[]
    >(`[...document.querySelectorAll("#s0 table.matrix")[0].tBodies[0].rows]
      .filter((tr) => getComputedStyle(tr).display !== "none")
      .map((tr) => tr.querySelector("small").textContent)`);
    const snap = results[0].matrix!.at(-1)!;
    const differing = snap.users
      .filter((_, u) => snap.cells[u].some((c) => !["allowed", "denied", "notIndexed"].includes(c.state)))
      .map((u) => u.upn);
    expect(shown).toEqual(differing);
    expect(shown).toContain("erin@contoso.com");
  }, 60_000);
});
