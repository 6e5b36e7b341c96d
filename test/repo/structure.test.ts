import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importSpecifiers, sourceFiles } from "../support/imports.ts";

/**
 * Repository-wide structure rules (CONTRIBUTING.md "House rules"): no import cycles among src/
 * files, no hand-written source file in src/ over 400 lines, nothing that reads or cites folders
 * beside the checkout. Splits that are under way are allow-listed below; each entry must still be
 * needed, so the lists shrink to empty as the splits land.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");
const MAX_LINES = 400;

/** Import cycles (strongly connected components, as sets of src/-relative paths) being removed. */
const KNOWN_CYCLES: { files: string[]; reason: string }[] = [];

/** Hand-written files over MAX_LINES (src/-relative) being split. */
const KNOWN_LARGE: { file: string; reason: string }[] = [];

/**
 * What a reference to material beside the checkout looks like: the sibling folder itself, or the
 * names of the notes that lived there. Built from pieces so this file does not match itself.
 */
const OUTSIDE = new RegExp(
  [
    String.raw`\.\./(\.\./)*` + "shared/",
    ["shared", "(research|specs|seeds)/"].join("/"),
    `\\b(${["customer-bugs", "confluence-api", "graph-connectors-api", "real-clients", "anchors", "DESIGN"].join("|")})\\.md\\b`,
  ].join("|"),
);

/** Every relative import of a file, type-only and side-effect imports included, resolved to a path. */
function importsOf(file: string): string[] {
  return importSpecifiers(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec))
    .map((p) => [p, `${p}.ts`, join(p, "index.ts")].find((c) => /\.(ts|mts)$/.test(c) && existsSync(c)))
    .filter((p): p is string => p !== undefined);
}

/** Tarjan's strongly connected components of size > 1 (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete cycle through a component, as "a.ts → b.ts → a.ts", for the failure message. */
function cyclePath(graph: Map<string, string[]>, component: string[]): string {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path: string[] = [];
        for (let u = v; u !== start; u = previous.get(u)!) path.unshift(u);
        return [start, ...path, start].map((f) => relative(SRC, f)).join(" → ");
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.map((f) => relative(SRC, f)).join(", ");
}

/** The files in the repository: tracked and untracked-but-not-ignored (a plain walk outside git). */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
    });
    return out
      .toString("utf8")
      .split("\0")
      .filter((f) => f !== "" && existsSync(join(ROOT, f)));
  } catch {
    const skip = new Set(["node_modules", ".git", "reports", "out", ".cgsim", "cgsim-report"]);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        skip.has(e.name)
          ? []
          : e.isDirectory()
            ? walk(join(dir, e.name))
            : [relative(ROOT, join(dir, e.name))],
      );
    return walk(ROOT);
  }
}

function lineCount(file: string): number {
  const text = readFileSync(file, "utf8");
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

const files = sourceFiles(SRC, /\.(ts|mts)$/);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe("src/ structure", () => {
  it("has no import cycles beyond the ones being removed", () => {
    const known = KNOWN_CYCLES.map((c) => [...c.files].sort().join(" "));
    const current = cycles(graph).map((c) => ({ key: c.map((f) => relative(SRC, f)).join(" "), c }));
    const unexpected = current.filter(({ key }) => !known.includes(key)).map(({ c }) => cyclePath(graph, c));
    expect(unexpected, "new import cycle (break it, e.g. move shared types to their own module)").toEqual([]);
    const gone = known.filter((key) => !current.some((c) => c.key === key));
    expect(gone, "these cycles are gone: remove them from KNOWN_CYCLES").toEqual([]);
  });

  it(`has no hand-written source file over ${MAX_LINES} lines beyond the ones being split`, () => {
    const large = files.filter((f) => lineCount(f) > MAX_LINES).map((f) => relative(SRC, f));
    const known = KNOWN_LARGE.map((k) => k.file);
    const unexpected = large
      .filter((f) => !known.includes(f))
      .map((f) => `${f}: ${lineCount(join(SRC, f))} lines`);
    expect(unexpected, `split these files (at most ${MAX_LINES} lines each)`).toEqual([]);
    const done = known.filter((f) => !large.includes(f));
    expect(done, "these files are small now (or gone): remove them from KNOWN_LARGE").toEqual([]);
  });
});

describe("twin folders", () => {
  /** The file roles every twin shares (docs/architecture.md, "Twins"), so each twin reads like the others. */
  const ROLES = ["twin.ts", "store.ts", "routes", "admin.ts", "service.ts"];
  const twins = readdirSync(join(SRC, "simulators"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(SRC, "simulators", e.name, "twin.ts")))
    .map((e) => e.name);

  it("finds the three twins", () => {
    expect(twins.sort()).toEqual(["confluence", "directory", "graph"]);
  });

  it.each(twins)("%s has every file role", (twin) => {
    const missing = ROLES.filter((role) => !existsSync(join(SRC, "simulators", twin, role)));
    expect(missing, `src/simulators/${twin} lacks these roles`).toEqual([]);
  });
});

describe("the repository stands alone", () => {
  it("no file reads or cites folders or notes beside the checkout", () => {
    const offenders: string[] = [];
    for (const file of repositoryFiles()) {
      const bytes = readFileSync(join(ROOT, file));
      if (bytes.includes(0)) continue; // binary (images)
      bytes
        .toString("utf8")
        .split("\n")
        .forEach((line, i) => {
          if (OUTSIDE.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(offenders, "cite a public URL or a doc in this repository instead (CONTRIBUTING.md)").toEqual([]);
  });
});
