/**
 * A worker thread of `cgsim run --workers N` (pool.ts): runs the files the main thread sends, one
 * at a time, and posts each outcome back. The port is unreferenced while a scenario runs, so a
 * scenario that can never finish (nothing left to wait for) lets the thread exit, which the pool
 * reports as that scenario's failure instead of hanging.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type FileOptions, runFile } from "./run-file.ts";

export interface WorkerRequest {
  index: number;
  file: string;
}

export interface WorkerReply {
  index: number;
  outcome: Awaited<ReturnType<typeof runFile>>;
}

const port = parentPort!;
const options = workerData as FileOptions;
port.on("message", async ({ index, file }: WorkerRequest) => {
  port.unref();
  const outcome = await runFile(file, options);
  port.postMessage({ index, outcome } satisfies WorkerReply);
  port.ref();
});
