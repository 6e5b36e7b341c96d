import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, finished, ROOT, runCli } from "./spawn.ts";

describe("cgsim commands", () => {
  it("lists every command", async () => {
    const { stdout, code } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const c of ["run", "serve", "seed", "schema", "explain", "crawl"])
      expect(stdout).toContain(`  ${c} `);
  });

  it("schema prints the scenario JSON Schema; unknown kinds are usage errors", async () => {
    const ok = await runCli(["schema"]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ title: "cgsim scenario file", type: "object" });
    const bad = await runCli(["schema", "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'error: unknown schema "nope" (one of scenario, site, directory, generator, index)\n',
    );
  });

  it("a reader that closes the pipe early (`cgsim schema | head -c 1`) ends it quietly, exit 0", async () => {
    // A shell pipe, not a socket: its 64 KB buffer is smaller than the schema, so writes fail.
    const script = `"${process.execPath}" "${BIN}" schema | head -c 1 >/dev/null; echo "exit \${PIPESTATUS[0]}" >&2`;
    const { stderr } = await finished(spawn("bash", ["-c", script], { cwd: ROOT }));
    expect(stderr).toBe("exit 0\n");
  });

  it("crawl hands over to the connector's command (bad config → exit 2, no stack)", async () => {
    const { code, stderr } = await runCli(["crawl", "--config", "does-not-exist.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toContain("does-not-exist.yaml");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("bad option values are usage errors, with a stack only under --debug", async () => {
    const plain = await runCli(["serve", "--port", "eighty"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('--port must be a non-negative integer, got "eighty"');
    const debug = await runCli(["--debug", "seed", "missing.yaml"]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/LoadError: missing\.yaml: file not found[\s\S]*\n\s+at /);
  });
});
