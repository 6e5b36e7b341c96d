import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../src/connector");
const util = resolve(import.meta.dirname, "../../src/util");

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat().filter((f) => /\.(ts|js|mts)$/.test(f));
}

describe("import boundary", () => {
  it("src/connector never imports src/simulators (it must work against the real services)", async () => {
    const offenders: string[] = [];
    for (const file of await files(root)) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)) {
        const spec = m[1];
        const target = spec.startsWith(".") ? resolve(file, "..", spec) : spec;
        if (/simulators/.test(target)) offenders.push(`${relative(root, file)} → ${spec}`);
        // Outside its own folder the connector may use only src/util (code that is no twin's).
        if (spec.startsWith(".") && !target.startsWith(root) && !target.startsWith(util))
          offenders.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("src/util imports nothing of ours but itself", async () => {
    for (const file of await files(util)) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/from\s+["'](\.[^"']+)["']/g))
        expect(resolve(file, "..", m[1]).startsWith(util)).toBe(true);
    }
  });

  it("scans a non-trivial tree", async () => {
    expect((await files(root)).length).toBeGreaterThan(10);
  });
});
