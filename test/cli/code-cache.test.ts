import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./spawn.ts";

/** A CommonJS "bundle" that uses require, module and __filename and prints what it got. */
const BUNDLE = `const { basename } = require("node:path");
module.exports.twice = (n) => 2 * n;
process.stdout.write(basename(__filename) + " " + module.exports.twice(21));
`;

const LOADER = pathToFileURL(join(ROOT, "src", "cli", "code-cache.ts")).href;

let dir: string;
let temp: string;
let bundle: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cgsim-code-cache-test-"));
  temp = join(dir, "tmp");
  bundle = join(dir, "bundle.cjs");
  writeFileSync(bundle, BUNDLE);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** runBundle in a fresh process (V8 keeps compiled scripts per process), the temp folder in `dir`. */
function run(name: string, saveAt: "exit" | "loaded", env: Record<string, string> = {}): string {
  const code = `import { runBundle } from ${JSON.stringify(LOADER)}; runBundle(${JSON.stringify(bundle)}, ${JSON.stringify(name)}, ${JSON.stringify(saveAt)});`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TMPDIR: temp, NODE_DISABLE_COMPILE_CACHE: "", ...env },
  });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return child.stdout;
}

const cacheFiles = () =>
  (existsSync(temp) ? readdirSync(temp) : [])
    .filter((f) => f.startsWith("cgsim-code-cache-"))
    .flatMap((f) => readdirSync(join(temp, f)).map((name) => join(temp, f, name)));

describe("runBundle (the CLI bundle through V8's code cache)", () => {
  it("runs the bundle as a CommonJS module, writes a cache at exit, and the next run keeps it", () => {
    expect(run("run", "exit")).toBe("bundle.cjs 42");
    const [cache] = cacheFiles();
    expect(cache).toMatch(/-run-[0-9a-f]{16}\.bin$/);
    const bytes = readFileSync(cache);
    const written = statSync(cache).mtimeMs;

    expect(run("run", "exit")).toBe("bundle.cjs 42");
    // Accepted, and the run compiled no more than the one that wrote it: left as it was.
    expect(cacheFiles()).toEqual([cache]);
    expect(statSync(cache).mtimeMs).toBe(written);
    expect(readFileSync(cache).equals(bytes)).toBe(true);
  });

  it("runs with a damaged cache and writes a good one in its place", () => {
    run("run", "loaded");
    const [cache] = cacheFiles();
    const damaged = Buffer.from(readFileSync(cache));
    damaged.fill(7, 4);
    writeFileSync(cache, damaged);

    expect(run("run", "loaded")).toBe("bundle.cjs 42");
    expect(readFileSync(cache).subarray(4).equals(damaged.subarray(4))).toBe(false);
  });

  it("keeps one cache per command name, and replaces an earlier build's", () => {
    run("run", "loaded");
    run("other", "loaded");
    expect(
      cacheFiles()
        .map((f) => f.match(/-(run|other)-/)?.[1])
        .sort(),
    ).toEqual(["other", "run"]);
    const before = cacheFiles();

    writeFileSync(bundle, `${BUNDLE}// rebuilt\n`);
    run("run", "loaded");
    const after = cacheFiles();
    expect(after).toHaveLength(2);
    expect(after.filter((f) => !before.includes(f))).toHaveLength(1);
    expect(after.some((f) => f.includes("-other-"))).toBe(true);
  });

  it("removes caches not written for a week (their bundle may be gone) when it writes one", () => {
    run("other", "loaded");
    const folder = dirname(cacheFiles()[0]);
    const stale = join(folder, "0123456789abcdef-run-0123456789abcdef.bin");
    const recent = join(folder, "fedcba9876543210-run-0123456789abcdef.bin");
    writeFileSync(stale, "old");
    writeFileSync(recent, "new");
    const eightDaysAgo = Date.now() / 1000 - 8 * 24 * 3600;
    utimesSync(stale, eightDaysAgo, eightDaysAgo);

    run("run", "loaded");
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it("writes nothing under NODE_DISABLE_COMPILE_CACHE", () => {
    expect(run("run", "exit", { NODE_DISABLE_COMPILE_CACHE: "1" })).toBe("bundle.cjs 42");
    expect(cacheFiles()).toEqual([]);
  });
});
