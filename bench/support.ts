import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `--name value` from argv, or the default. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Prints a benchmark result and writes it to bench/results/<name>.json with the machine facts. */
export function writeResult(name: string, result: Record<string, unknown>): void {
  const record = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...result,
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
  mkdirSync(dir, { recursive: true });
  // --as <file name>: a variant of a bench (e.g. run under nice) beside the default record.
  writeFileSync(join(dir, `${arg("as", name)}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(record, null, 2));
}

/** User + system CPU seconds of this process's reaped children (cutime + cstime in /proc/self/stat). */
export function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
    return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export interface TimedRun {
  exitCode: number | null;
  wallSeconds: number;
  /** CPU seconds of the child and its descendants (Linux /proc; null elsewhere). */
  cpuSeconds: number | null;
  /** 1-minute load average when the run started: the machine is shared, wall time grows with it. */
  loadAverage: number;
}

/** Runs a command to completion (stdout discarded, stderr shown) and times it. */
export async function timedRun(command: string, args: string[], cwd: string): Promise<TimedRun> {
  const loadAverage = Number(loadavg()[0].toFixed(2));
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
    child.once("error", reject);
    child.once("close", resolve);
  });
  const wallSeconds = Number(((performance.now() - started) / 1000).toFixed(3));
  const cpuAfter = childrenCpuSeconds();
  const cpuSeconds =
    cpuBefore === null || cpuAfter === null ? null : Number((cpuAfter - cpuBefore).toFixed(2));
  return { exitCode, wallSeconds, cpuSeconds, loadAverage };
}

export function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

/**
 * Runs this benchmark again in a child node with `flags` (e.g. --expose-gc) unless they are in
 * force already, and exits with the child's status; returns when they are.
 */
export function ensureNodeFlags(script: string, flags: string[], inForce: boolean): void {
  if (inForce) return;
  const args = [...flags, "--import", "tsx", fileURLToPath(script), ...process.argv.slice(2)];
  process.exit(spawnSync(process.execPath, args, { stdio: "inherit" }).status ?? 1);
}
