import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A `cgsim run` report folder with everything that depends on timing taken out (wall times, the
 * generation date, the padding of the console table's wall column), so two runs of the same
 * scenarios compare equal whatever the machine did meanwhile.
 */
export interface TimelessReports {
  junit: string;
  json: unknown;
  html: string;
}

export function readReports(dir: string): TimelessReports {
  const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
  for (const s of json.scenarios) s.wallMs = 0;
  return {
    junit: readFileSync(join(dir, "junit.xml"), "utf8").replace(/ time="[\d.]+"/g, ' time=""'),
    json,
    html: withoutTimes(readFileSync(join(dir, "report.html"), "utf8")).replace(
      /<span class="dim">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/span>/,
      "",
    ),
  };
}

/** Console output without wall times (and the table padding they cause). */
export function consoleWithoutTimes(stdout: string): string {
  return withoutTimes(stdout)
    .split("\n")
    .map((line) => line.replace(/ {2,}/g, "  ").trimEnd())
    .join("\n");
}

function withoutTimes(text: string): string {
  return text.replace(/\b\d+ ms\b/g, "N ms");
}
