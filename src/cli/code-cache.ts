import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { getHeapCodeStatistics } from "node:v8";
import { Script } from "node:vm";

/**
 * Runs a CommonJS bundle (dist/cli-bundle/*.cjs) with V8's code cache: the bytecode of every
 * function the previous run of the same command compiled is read from a file instead of compiled
 * again. Compiling the bundle and its functions was most of what was left of `cgsim run`'s start-up
 * after bundling (docs/performance.md, "Start-up"); Node 20 has no compile cache of its own. The
 * bundle must not import() at run time (scripts/bundle-cli.mjs checks): Node 20 gives a script
 * compiled from a cache no module loader for it.
 *
 * One cache per bundle build and per `name` (the command: `run` compiles other functions than
 * `--help`), in a folder of this user's under the temp directory. V8 checks a cache against the
 * source and its own version and flags, and rejects one that does not fit; a missing, rejected or
 * unreadable cache only costs the compile. NODE_DISABLE_COMPILE_CACHE turns it off, as for Node's own.
 *
 * A run that compiled much more than the run which wrote the cache writes it again (`cgsim run`
 * over many files runs the scenarios in worker threads, one file in this thread): the bytecode size
 * at saving is kept in the file's first 4 bytes. Writing costs ~25 ms, so it is not done every run.
 */
export function runBundle(file: string, name: string, saveAt: "exit" | "loaded" = "exit"): void {
  const source = readFileSync(file, "utf8");
  const cacheFile = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cachePath(file, name);
  const cached = cacheFile ? readCache(cacheFile) : undefined;
  const script = new Script(wrapCommonJs(source), {
    filename: file,
    cachedData: cached?.data,
  });
  const stale = !cached || script.cachedDataRejected;
  const save = () => {
    const bytecode = bytecodeSize();
    if (cacheFile && (stale || bytecode > (cached?.bytecode ?? 0) * GROWTH))
      writeCache(cacheFile, bytecode, () => script.createCachedData());
  };
  // At exit the cache holds every function this run compiled, not only the top level. A worker
  // thread is terminated without an exit event: it saves once the bundle has loaded.
  if (saveAt === "exit") process.once("exit", save);
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (saveAt === "loaded") save();
}

/** How much more bytecode than at the last save makes a run write the cache again. */
const GROWTH = 1.25;

const bytecodeSize = () => getHeapCodeStatistics().bytecode_and_metadata_size;

/** The CommonJS module wrapper (Node's own), so the bundle sees require, module and __filename. */
function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** Where the cache of this build of `file` lives, or undefined when the folder is not ours. */
function cachePath(file: string, name: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.() ?? "user";
  const dir = join(tmpdir(), `cgsim-code-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A folder someone else made (the temp directory is shared) could feed us their bytecode.
    if (process.getuid && statSync(dir).uid !== process.getuid()) return undefined;
  } catch {
    return undefined;
  }
  // Per bundle file and Node (each Node keeps its own), per command, per build of the bundle.
  const bundle = hash(`${file}:${process.version}:${process.arch}`);
  return join(dir, `${bundle}-${name}-${hash(`${stats.size}:${stats.mtimeMs}`)}.bin`);
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The cache and the bytecode size when it was written (its first 4 bytes). */
function readCache(path: string): { data: Buffer; bytecode: number } | undefined {
  try {
    const file = readFileSync(path);
    return file.length > 4 ? { data: file.subarray(4), bytecode: file.readUInt32LE(0) } : undefined;
  } catch {
    return undefined;
  }
}

/** Caches not written for this long are removed (their bundle may be gone: a temporary install). */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Writes the cache atomically, and removes the caches of earlier builds of the same bundle and
 * name and any cache not written for a week.
 */
function writeCache(path: string, bytecode: number, data: () => Buffer): void {
  try {
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const header = Buffer.alloc(4);
    header.writeUInt32LE(Math.min(bytecode, 0xffffffff));
    writeFileSync(temporary, Buffer.concat([header, data()]), { mode: 0o600 });
    renameSync(temporary, path);
    const dir = dirname(path);
    const current = path.slice(dir.length + 1);
    const sameBundle = current.slice(0, current.lastIndexOf("-") + 1);
    for (const entry of readdirSync(dir)) {
      if (entry === current || !entry.endsWith(".bin")) continue;
      const old = join(dir, entry);
      if (entry.startsWith(sameBundle) || Date.now() - statSync(old).mtimeMs > MAX_AGE_MS)
        rmSync(old, { force: true });
    }
  } catch {
    // A cache is an optimisation: a read-only or full temp folder only costs the next start.
  }
}
