import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets old space grow past the heap that was live after its last full collection
 * before it collects again, in percent. V8's own choice for a fast-allocating process is up to
 * 4×; a world only grows while it is crawled (the index, the journal), so every full collection
 * sets the next limit at a multiple of a heap that is still growing, and the short-lived request
 * garbage that reaches old space fills the rest: a 100k-page crawl peaked at 1,050 MB of RSS
 * with 380 MB live. At 1.5× it peaks at 730–770 MB with no more CPU (docs/performance.md).
 */
export const HEAP_GROWING_PERCENT = 50;

let applied = false;

/**
 * Sets V8's `--heap-growing-percent` for this process (V8 reads it after every full collection,
 * so it applies from the next one), once, unless the process was started with its own value.
 * Called when a World is built: wherever a world is served or crawled, its process gets it.
 */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  if (setsHeapGrowth(process.execArgv, process.env.NODE_OPTIONS)) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Whether node's arguments or NODE_OPTIONS already choose a heap growing percent. */
export function setsHeapGrowth(execArgv: readonly string[], nodeOptions = ""): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) =>
    /^--heap[-_]growing[-_]percent\b/.test(arg),
  );
}
