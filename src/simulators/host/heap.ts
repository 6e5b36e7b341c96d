import { getHeapStatistics, setFlagsFromString } from "node:v8";

/**
 * How far V8 lets old space grow past the heap that was live after its last full collection
 * before it collects again, in percent. V8's own choice for a fast-allocating process is up to
 * 4×; a world only grows while it is crawled (the index, the journal), and the short-lived
 * request garbage that reaches old space fills the rest: a 100k-page crawl peaked at 1,050–1,270
 * MB of RSS with 380 MB live. At 1.5× it peaks at 740–760 MB, for more full collections
 * (docs/performance.md).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Heap in use (garbage included) from which growth is limited: low enough that the limit is in
 * place before old space has room to grow 4× (V8 applies a new percent from the next full
 * collection on), high enough that small worlds (a scenario's, the tests') never pay for it.
 */
export const LARGE_HEAP_BYTES = 128 * 1024 * 1024;

/** Requests between two looks at the heap (a look costs about a microsecond). */
const CHECK_EVERY = 4096;

let requests = 0;
let decided = false;

/**
 * Counts a request the host served; every CHECK_EVERY-th looks at the heap, and once it holds more
 * than LARGE_HEAP_BYTES sets V8's `--heap-growing-percent` for this process, unless the process
 * was started with its own value. Called by the host on every request rather than from a GC
 * observer: a crawl over the direct transport runs on promises alone, so an observer's callback
 * would not run until the crawl had ended.
 */
export function watchHeap(): void {
  if (decided || ++requests % CHECK_EVERY !== 0) return;
  if (getHeapStatistics().used_heap_size < LARGE_HEAP_BYTES) return;
  decided = true;
  if (!setsHeapGrowth(process.execArgv, process.env.NODE_OPTIONS))
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Whether node's arguments or NODE_OPTIONS already choose a heap growing percent. */
export function setsHeapGrowth(execArgv: readonly string[], nodeOptions = ""): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) =>
    /^--heap[-_]growing[-_]percent\b/.test(arg),
  );
}
