import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INIT_SCRIPTS, scaffold } from "../../src/cli/init.ts";
import { loadScenarioFile } from "../../src/scenarios/loader.ts";
import { runCli } from "./spawn.ts";

const root = mkdtempSync(join(tmpdir(), "cgsim-init-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, manifest: Record<string, unknown> = { name }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest));
  return dir;
}

describe("cgsim init", () => {
  it("scaffolds one scenario per concern, a vitest file, the npm scripts and a CI workflow", () => {
    const dir = project("fresh", { name: "fresh", scripts: { test: "vitest" } });
    const written = scaffold(dir);
    const scenarios = [
      "scenarios/anonymous-space.yaml",
      "scenarios/deletion.yaml",
      "scenarios/identity-mapping.yaml",
      "scenarios/restricted-child-page.yaml",
    ];
    expect(written).toEqual(
      expect.arrayContaining([...scenarios, "test/cgsim-scenarios.test.ts", ".github/workflows/cgsim.yml"]),
    );
    // Every scaffolded scenario loads (their runs are in test/package/install.test.ts).
    for (const file of scenarios)
      expect(loadScenarioFile(join(dir, file)).scenario.steps.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(manifest.scripts).toEqual({ test: "vitest", ...INIT_SCRIPTS });
    expect(manifest.scripts["cgsim:serve"]).toBe("cgsim serve --proxy");
  });

  it("writes nothing when a file exists or a script name is taken, and says which", async () => {
    const dir = project("taken", { name: "taken", scripts: { "cgsim:test": "jest" } });
    mkdirSync(join(dir, "scenarios"));
    writeFileSync(join(dir, "scenarios", "deletion.yaml"), "mine\n");
    const result = await runCli(["init"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cgsim init writes nothing, because it would overwrite:");
    expect(result.stderr).toContain("scenarios/deletion.yaml exists");
    expect(result.stderr).toContain('package.json already has a "cgsim:test" script: jest');
    expect(readFileSync(join(dir, "scenarios", "deletion.yaml"), "utf8")).toBe("mine\n");
    expect(existsSync(join(dir, "scenarios", "anonymous-space.yaml"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts).toEqual({
      "cgsim:test": "jest",
    });
  });

  it("asks for a package.json first", () => {
    const dir = join(root, "empty");
    mkdirSync(dir);
    expect(() => scaffold(dir)).toThrow(/no package\.json in .*npm init -y/);
  });
});
