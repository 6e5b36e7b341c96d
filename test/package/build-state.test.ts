import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BUILD_STAMP, buildState } from "../../bin/build-state.js";

/** A checkout-like folder: src/ with one file, dist/ built at `builtAt` (seconds). */
function checkout(builtAt: number | undefined): string {
  const root = mkdtempSync(join(tmpdir(), "cgsim-build-state-"));
  mkdirSync(join(root, "src", "cli"), { recursive: true });
  writeFileSync(join(root, "src", "cli", "main.ts"), "");
  at(root, 1000, "src/cli/main.ts", "src/cli", "src");
  if (builtAt !== undefined) {
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", BUILD_STAMP), String(builtAt * 1000));
  }
  return root;
}

/** Sets the modification time of the given paths (relative to root) to `seconds`. */
function at(root: string, seconds: number, ...paths: string[]): void {
  for (const p of paths) utimesSync(join(root, p), seconds, seconds);
}

const roots: string[] = [];
const make = (builtAt?: number) => {
  const root = checkout(builtAt);
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe("bin/cgsim.js picks dist/ only when it was built from the current sources", () => {
  it("is missing without a build stamp (never built, or the build stopped half-way)", () => {
    expect(buildState(make())).toBe("missing");
  });

  it("is fresh when every source is older than the build", () => {
    expect(buildState(make(2000))).toBe("fresh");
  });

  it("is stale when a source file changed after the build", () => {
    const root = make(2000);
    at(root, 3000, "src/cli/main.ts");
    expect(buildState(root)).toBe("stale");
  });

  it("is stale when a file was added or removed (its folder changed)", () => {
    const root = make(2000);
    at(root, 3000, "src/cli");
    expect(buildState(root)).toBe("stale");
  });

  it("is stale when a tsconfig changed", () => {
    const root = make(2000);
    writeFileSync(join(root, "tsconfig.build.json"), "{}");
    at(root, 3000, "tsconfig.build.json");
    expect(buildState(root)).toBe("stale");
  });

  it("is fresh in an installed package (dist/ without src/)", () => {
    const root = make(2000);
    rmSync(join(root, "src"), { recursive: true });
    expect(buildState(root)).toBe("fresh");
  });
});
