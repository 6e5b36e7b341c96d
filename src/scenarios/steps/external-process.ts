import { spawn } from "node:child_process";

/**
 * Runs one external connector process: its own process group (so a shell's children go with it),
 * stdout and stderr kept apart and bounded, a real-time limit after which the whole group is
 * terminated (SIGTERM, then SIGKILL after a grace period), and a kill handle for a crash on cue.
 */

export interface ProcessOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes kept per stream (its beginning and its end; the middle is left out). Default 64 KiB. */
  maxOutputBytes?: number;
  /** Between SIGTERM and SIGKILL after the time limit. Default 2 s. */
  graceMs?: number;
  /** Aborting it SIGKILLs the whole group at once, as a crash would (no grace, no clean-up). */
  kill?: AbortSignal;
}

export interface ProcessRun {
  exitCode: number | null;
  /** The signal that ended it (SIGTERM/SIGKILL after the time limit, or another one). */
  signal: string | null;
  /** It was still running at the time limit and was killed. */
  timedOut: boolean;
  /** It was still running when `kill` was aborted and was SIGKILLed. */
  killed: boolean;
  wallMs: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;

/** Process groups still running, ended if this process exits first (no connector outlives a run). */
const running = new Set<number>();
let exitHookInstalled = false;

/** A one-string command runs with `/bin/sh -c`; a list runs as is (no shell). */
export function commandLine(command: string | string[]): string[] {
  const parts = Array.isArray(command) ? command : [command];
  return parts.length === 1 ? ["/bin/sh", "-c", parts[0]] : parts;
}

export function runProcess(command: string | string[], options: ProcessOptions): Promise<ProcessRun> {
  const [program, ...args] = commandLine(command);
  const shown = Array.isArray(command) ? command.join(" ") : command;
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const stdout = new BoundedOutput(limit);
  const stderr = new BoundedOutput(limit);
  const started = performance.now();
  installExitHook();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = child.pid;
    if (group !== undefined) running.add(group);
    child.stdout.on("data", (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.write(chunk));
    let timedOut = false;
    let killed = false;
    let exited = false;
    // Synchronous from the abort: a kill asked for while a request is recorded lands before its answer.
    const killNow = () => {
      if (exited) return;
      killed = true;
      signalGroup(group, "SIGKILL");
    };
    if (options.kill?.aborted) killNow();
    else options.kill?.addEventListener("abort", killNow, { once: true });
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(group, "SIGTERM");
      killer = setTimeout(() => signalGroup(group, "SIGKILL"), options.graceMs ?? 2_000);
    }, options.timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      clearTimeout(killer);
      options.kill?.removeEventListener("abort", killNow);
      if (group !== undefined) running.delete(group);
    };
    child.once("error", (error) => {
      settle();
      reject(new Error(`cannot start connector command "${shown}": ${error.message}`));
    });
    // Whatever the connector left running in its group goes with it; its pipes then close.
    child.once("exit", () => {
      exited = true;
      signalGroup(group, "SIGKILL");
    });
    child.once("close", (exitCode, signal) => {
      settle();
      resolve({
        exitCode,
        signal,
        timedOut,
        killed,
        wallMs: Math.round(performance.now() - started),
        stdout: stdout.text(),
        stderr: stderr.text(),
      });
    });
  });
}

function signalGroup(group: number | undefined, signal: NodeJS.Signals): void {
  if (group === undefined) return;
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const group of running) signalGroup(group, "SIGKILL");
  });
}

/**
 * A stream's output, kept within a byte limit: the first quarter and the last three quarters of
 * the limit, with a line saying how much was left out between them (a connector's start-up and
 * its end are what explain a run).
 */
export class BoundedOutput {
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #dropped = 0;
  readonly #headLimit: number;
  readonly #tailLimit: number;

  constructor(limit: number) {
    this.#headLimit = Math.floor(limit / 4);
    this.#tailLimit = limit - this.#headLimit;
  }

  write(chunk: Buffer): void {
    let rest = chunk;
    if (this.#headBytes < this.#headLimit) {
      const take = rest.subarray(0, this.#headLimit - this.#headBytes);
      this.#head.push(take);
      this.#headBytes += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tailBytes > this.#tailLimit) {
      const over = this.#tailBytes - this.#tailLimit;
      const first = this.#tail[0];
      if (first.length <= over) {
        this.#tail.shift();
        this.#tailBytes -= first.length;
        this.#dropped += first.length;
      } else {
        this.#tail[0] = first.subarray(over);
        this.#tailBytes -= over;
        this.#dropped += over;
      }
    }
  }

  text(): string {
    if (this.#dropped === 0) return Buffer.concat([...this.#head, ...this.#tail]).toString("utf8");
    const head = Buffer.concat(this.#head).toString("utf8");
    const tail = Buffer.concat(this.#tail).toString("utf8");
    return `${head}\n[cgsim] … ${this.#dropped} bytes left out …\n${tail}`;
  }
}
