import { readFileSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";

/** `--shard i/n`: the i-th of n parts (1-based). */
export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : 0;
  const total = m ? Number(m[2]) : 0;
  if (!m || total < 1 || index < 1 || index > total)
    throw new Error(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/3), not "${text}"`);
  return { index, total };
}

/** Recorded wall time (ms) per scenario file, keyed by its path as the report gave it. */
export type Timings = Map<string, number>;

/**
 * The files of one shard. Every runner computes the same partition from the same file list, so
 * the shards together run each file exactly once. Without timings, files are dealt in turn
 * (file k to shard k mod n): the counts differ by at most one. With timings (a previous run's
 * results.json), longest first to the least loaded shard; files without a recorded time count
 * as the median recorded one. Ties go to the lower shard, then the earlier path.
 */
export function shardFiles(files: string[], shard: Shard, timings?: Timings): string[] {
  if (!timings || timings.size === 0) return files.filter((_, k) => k % shard.total === shard.index - 1);
  const cost = costOf(files, timings);
  const byCost = files.map((file, k) => ({ file, k, ms: cost[k] })).sort((a, b) => b.ms - a.ms || a.k - b.k);
  const load = new Array<number>(shard.total).fill(0);
  const mine = new Set<number>();
  for (const f of byCost) {
    const target = load.indexOf(Math.min(...load));
    load[target] += f.ms;
    if (target === shard.index - 1) mine.add(f.k);
  }
  return files.filter((_, k) => mine.has(k));
}

/**
 * The files' indexes, longest recorded time first (ties and unrecorded files in file order, an
 * unrecorded file counting as the median recorded one): `cgsim run --timings` starts them so.
 */
export function longestFirst(files: string[], timings: Timings): number[] {
  const cost = costOf(files, timings);
  return files.map((_, k) => k).sort((a, b) => cost[b] - cost[a] || a - b);
}

/** Timings from a cgsim JSON report (`results.json`, a merged one, or `results.blob.json`). */
export function readTimings(path: string): Timings {
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`--timings ${path}: ${error instanceof Error ? error.message : error}`);
  }
  const scenarios = (report as { scenarios?: unknown }).scenarios;
  if (!Array.isArray(scenarios))
    throw new Error(`--timings ${path}: not a cgsim JSON report (no "scenarios" list)`);
  const timings: Timings = new Map();
  for (const s of scenarios as { file?: unknown; wallMs?: unknown }[])
    if (typeof s.file === "string" && typeof s.wallMs === "number") timings.set(pathKey(s.file), s.wallMs);
  return timings;
}

/**
 * Each file's recorded time. Paths are matched as given, else by the longer one ending with the
 * other (a report written on another runner may hold absolute paths from another checkout).
 */
function costOf(files: string[], timings: Timings): number[] {
  const recorded = [...timings.entries()];
  const found = files.map((file) => {
    const key = pathKey(file);
    const exact = timings.get(key);
    if (exact !== undefined) return exact;
    return recorded.find(([p]) => p.endsWith(`/${key}`) || key.endsWith(`/${p}`))?.[1];
  });
  const known = found.filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b);
  const fallback = known.length ? known[Math.floor(known.length / 2)] : 1;
  // A scenario never weighs nothing: 0 ms would let one shard take every unrecorded file.
  return found.map((ms) => Math.max(1, ms ?? fallback));
}

/** A path relative to the working directory when inside it, with forward slashes. */
export function pathKey(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  const key = rel.startsWith("..") || isAbsolute(rel) ? file : rel;
  return key.split(sep).join("/").replace(/^\.\//, "");
}
