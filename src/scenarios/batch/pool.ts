import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ScenarioResult } from "../results.ts";
import { failedResult } from "./failed-result.ts";
import type { FileOptions, FileOutcome } from "./run-file.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";

export interface BatchOptions {
  /** Worker threads; 1 runs every scenario in this thread. */
  workers: number;
  /** Stop after the first failing scenario (in file order: the same results as a serial run). */
  bail?: boolean;
  /**
   * The order files start in (indexes into `files`; default file order), e.g. longest first so a
   * long file does not start last. Results still come in file order. Ignored under `bail`, which
   * starts files in file order so nothing after the first failure runs needlessly.
   */
  startOrder?: number[];
  /** Each result as soon as it and every earlier file are done: output in file order. */
  onResult?: (result: ScenarioResult) => void;
  /** Each file when it is done, in completion order (progress). */
  onSettled?: (file: string, result: FileOutcome) => void;
  /** Each file as it starts, and when it stops running (stall diagnostics in this thread). */
  onRunning?: (file: string, running: boolean) => void;
}

/** Where a scenario runs: this thread, or one worker thread. */
interface Lane {
  run(index: number, file: string): Promise<FileOutcome>;
  close(): Promise<void>;
}

/**
 * Runs scenario files on `workers` threads, one file at a time per thread, handing out files in
 * order. Results come back in file order whatever the threads' speed, so every report is the same
 * as a serial run's apart from timings. Scenarios share nothing across threads (each builds its own
 * world; msw interception is per thread).
 */
export async function runFiles(
  files: string[],
  options: FileOptions,
  batch: BatchOptions,
): Promise<ScenarioResult[]> {
  const outcomes: (FileOutcome | null)[] = files.map(() => null);
  const order = !batch.bail && batch.startOrder ? batch.startOrder : files.map((_, k) => k);
  let next = 0;
  let printed = 0;
  // Index of the first failed file (bail): nothing after it is started, kept or printed.
  let stopAt = Number.POSITIVE_INFINITY;
  const flush = () => {
    while (printed < files.length && printed <= stopAt && outcomes[printed] !== null) {
      const r = outcomes[printed++];
      if (r) batch.onResult?.(r);
    }
  };
  const width = Math.max(1, Math.min(batch.workers, files.length));
  const lanes: Lane[] =
    width === 1 ? [inProcessLane(options)] : Array.from({ length: width }, () => workerLane(options));
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < order.length && order[next] <= stopAt) {
          const index = order[next++];
          batch.onRunning?.(files[index], true);
          const outcome = await lane.run(index, files[index]);
          batch.onRunning?.(files[index], false);
          outcomes[index] = outcome;
          if (batch.bail && outcome && !outcome.ok) stopAt = Math.min(stopAt, index);
          batch.onSettled?.(files[index], outcome);
          flush();
        }
      }),
    );
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
  }
  return outcomes.slice(0, stopAt + 1).filter((r): r is ScenarioResult => Boolean(r));
}

function inProcessLane(options: FileOptions): Lane {
  return {
    // Imported here: with worker threads, this thread never loads the scenario engine.
    run: async (_index, file) => (await import("./run-file.ts")).runFile(file, options),
    close: async () => {},
  };
}

/** One worker thread, started on first use and again after it dies. */
function workerLane(options: FileOptions): Lane {
  let worker: Worker | undefined;
  let pending: { index: number; file: string; worker: Worker; resolve: (o: FileOutcome) => void } | undefined;
  const settle = (w: Worker, outcome: (file: string) => FileOutcome) => {
    if (pending?.worker !== w) return;
    const p = pending;
    pending = undefined;
    p.resolve(outcome(p.file));
  };
  const start = () => {
    const w = startWorker(options);
    w.on("message", (reply: WorkerReply) => {
      if (reply.index === pending?.index) settle(w, () => reply.outcome);
    });
    const died = (why: string) => {
      if (worker === w) worker = undefined;
      settle(w, (file) => failedResult(file, why));
    };
    w.on("error", (error) => died(`cannot run: the worker thread failed: ${error.stack ?? error}`));
    w.on("exit", (code) =>
      died(
        code === 0
          ? "cgsim stopped with work pending (a request or timer can never complete)"
          : `cannot run: the worker thread exited with code ${code}`,
      ),
    );
    return w;
  };
  return {
    run: (index, file) =>
      new Promise<FileOutcome>((resolve) => {
        worker ??= start();
        pending = { index, file, worker, resolve };
        worker.postMessage({ index, file } satisfies WorkerRequest);
      }),
    close: async () => {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}

// From the sources (tsx, vitest) the worker is TypeScript too: a bootstrap registers tsx first.
const FROM_SOURCES = import.meta.url.endsWith(".ts");

function startWorker(options: FileOptions): Worker {
  if (!FROM_SOURCES) return new Worker(new URL("./worker.js", import.meta.url), { workerData: options });
  // tsx's "./esm/api" export for import (require.resolve would give its CommonJS twin).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsx = pathToFileURL(join(tsxRoot, "dist", "esm", "api", "index.mjs")).href;
  const entry = new URL("./worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}
