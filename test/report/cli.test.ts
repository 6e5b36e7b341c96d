import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/spawn.ts";
import { $$, parseHtml } from "./dom.ts";

describe("cgsim run --reporter html", () => {
  const dir = mkdtempSync(join(tmpdir(), "cgsim-html-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes OUT/report.html with the matrices, and keeps them out of results.json", async () => {
    const file = join(dir, "documented.yaml");
    writeFileSync(
      file,
      [
        "name: documented policy over-exposes child pages",
        "connector:",
        "  permissions: { mode: onlyPeopleWithAccess, policy: documented }",
        "steps:",
        "  - crawl: full",
        "  - expect:",
        "      parity: { overExposed: 0, documented: { overExposed: 2 } }",
        "",
      ].join("\n"),
    );
    const out = join(dir, "reports");
    const run = await runCli(["run", file, "--reporter", "console,json,html", "--out", out]);
    expect(run.stderr).toContain(`reports written to ${out}/`);
    expect(run.code).toBe(0);

    const page = parseHtml(readFileSync(join(out, "report.html"), "utf8"));
    expect($$(page, "section", "scenario", "pass")).toHaveLength(1);
    expect($$(page, "td", "c", "documentedOver")).toHaveLength(2);
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(json.passed).toBe(1);
    expect(json.scenarios[0]).not.toHaveProperty("matrix");
    expect(existsSync(join(out, "junit.xml"))).toBe(false);
  }, 60_000);

  it("rejects unknown reporters and lists html among the known ones", async () => {
    const run = await runCli(["run", "--reporter", "pdf"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('unknown reporter "pdf" (console, junit, json, html, blob)');
  }, 60_000);
});
