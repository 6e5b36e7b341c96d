import { relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importSpecifiers, sourceFiles } from "../support/imports.ts";

const root = resolve(import.meta.dirname, "../../src/connector");
const util = resolve(import.meta.dirname, "../../src/util");

describe("import boundary", () => {
  it("src/connector never imports src/simulators (it must work against the real services)", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      for (const spec of importSpecifiers(file)) {
        const target = spec.startsWith(".") ? resolve(file, "..", spec) : spec;
        if (/simulators/.test(target)) offenders.push(`${relative(root, file)} → ${spec}`);
        // Outside its own folder the connector may use only src/util (code that is no twin's).
        if (spec.startsWith(".") && !target.startsWith(root) && !target.startsWith(util))
          offenders.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("src/util imports nothing of ours but itself", () => {
    for (const file of sourceFiles(util))
      for (const spec of importSpecifiers(file).filter((s) => s.startsWith(".")))
        expect(resolve(file, "..", spec).startsWith(util), `${file} → ${spec}`).toBe(true);
  });

  it("scans a non-trivial tree", () => {
    expect(sourceFiles(root).length).toBeGreaterThan(10);
  });
});
