import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundledFixtureNames } from "../../src/fixture-formats/bundled.ts";
import { LoadError } from "../../src/fixture-formats/errors.ts";
import { loadScenarioFile, loadScenarioText } from "../../src/scenarios/loader.ts";
import { ROOT } from "../cli/spawn.ts";

// A folder outside the repository, so nothing resolves against the working directory by luck.
const outside = mkdtempSync(join(tmpdir(), "cgsim-refs-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const scenario = (body: string) => `name: refs\n${body}steps: [{ clock: { advance: 1h } }]\n`;

describe("fixture references in scenarios", () => {
  it("names the bundled fixtures: site, generator and directory", () => {
    expect(bundledFixtureNames("site")).toEqual(expect.arrayContaining(["contoso", "small", "medium"]));
    const byName = loadScenarioText(scenario("site: contoso\ndirectory: contoso\n"), join(outside, "a.yaml"));
    expect(byName.site.spec.site?.name).toBe("contoso");
    expect(byName.directory.tenant).toBe("contoso.com");

    const generated = loadScenarioText(
      scenario("seed: 3\nsite: { generator: small }\n"),
      join(outside, "b.yaml"),
    );
    const viaSite = loadScenarioText(scenario("seed: 3\nsite: small\n"), join(outside, "c.yaml"));
    const viaPath = loadScenarioText(
      scenario("seed: 3\nsite: fixtures/generators/small.yaml\n"),
      join(outside, "d.yaml"),
    );
    // The same spec expanded with the same seed: the same site, and its generated directory.
    expect(generated.site.spec).toEqual(viaPath.site.spec);
    expect(viaSite.site.spec).toEqual(viaPath.site.spec);
    expect(generated.directory.users?.length).toBeGreaterThan(0);
  });

  it("resolves relative paths against the scenario file, not the working directory", () => {
    const dir = join(outside, "repo", "scenarios", "nested");
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, "fixtures", "sites", "contoso.yaml"), join(outside, "repo", "my-site.yaml"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, scenario("site: ../../my-site.yaml\n"));
    expect(process.cwd()).not.toBe(dir);
    expect(loadScenarioFile(file).site.spec.site?.name).toBe("contoso");
  });

  it("prefers a file beside the scenario over a bundled fixture of the same name", () => {
    const dir = join(outside, "shadow");
    mkdirSync(join(dir, "contoso"), { recursive: true });
    writeFileSync(join(dir, "s.yaml"), scenario("site: contoso\n"));
    // contoso/ beside the scenario is not a capture directory: the error names that path, proving it was chosen.
    expect(() => loadScenarioFile(join(dir, "s.yaml"))).toThrow(/contoso/);
  });

  it("reports an unknown name with the bundled names as the hint", () => {
    let issue: LoadError["issues"][number] | undefined;
    try {
      loadScenarioText(scenario("site: { generator: huge }\n"), join(outside, "e.yaml"));
    } catch (error) {
      if (error instanceof LoadError) issue = error.issues[0];
    }
    expect(issue).toMatchObject({ field: "site.generator", line: 2, message: "file not found: huge" });
    expect(issue?.hint).toMatch(/bundled generator names: .*medium/);
  });
});
