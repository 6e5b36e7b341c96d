// Regenerates docs/images/report.png: `npx tsx test/report/screenshot.ts` (needs Chromium).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { htmlReport } from "../../src/scenarios/report/html.ts";
import { chromium } from "./chromium.ts";
import { runInjectedBugScenario, runReportScenarios } from "./fixture.ts";

// A deliberately injected connector bug first (red cells), then the two report scenarios.
const results = [await runInjectedBugScenario(), ...(await runReportScenarios())];
const dir = mkdtempSync(join(tmpdir(), "cgsim-shot-"));
const html = join(dir, "report.html");
writeFileSync(html, htmlReport(results, { generatedAt: new Date("2026-01-01T00:00:00Z") }));
// Pin erin × 2001 (over-exposed by the injected bug) so the details panel shows its explain chain.
const snap = results[0].matrix!.at(-1)!;
const u = snap.users.findIndex((x) => x.upn === "erin@contoso.com");
const i = snap.items.findIndex((x) => x.id === "2001");
const out = process.argv[2] ?? "docs/images/report.png";
await chromium(`${pathToFileURL(html).href}#s0-m0-u${u}-i${i}`, [
  `--screenshot=${resolve(out)}`,
  `--window-size=${process.env.SIZE ?? "1400,1000"}`,
]);
console.log(`wrote ${out} (report at ${html})`);
