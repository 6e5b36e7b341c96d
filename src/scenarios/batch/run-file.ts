import { LoadError } from "../../fixture-formats/errors.ts";
import type { TransportName } from "../../simulators/world.ts";
import { type LoadedScenario, loadScenarioFile } from "../loader.ts";
import type { ScenarioResult } from "../results.ts";
import { runScenario } from "../runner.ts";
import { failedResult } from "./failed-result.ts";

/** How `cgsim run` treats each file; plain data, so it can be handed to a worker thread. */
export interface FileOptions {
  /** Overrides every scenario's seed. */
  seed?: number;
  transport?: TransportName;
  /** Only scenarios whose name or file contains this text (case-insensitive). */
  grep?: string;
  /** Only scenarios with one of these tags. */
  tags?: string[];
  /** Permission matrix snapshots (the HTML report shows them). */
  matrix?: boolean;
  responseCache?: boolean;
}

/** A file's result, or `undefined` when the filters leave it out. */
export type FileOutcome = ScenarioResult | undefined;

/**
 * Loads and runs one scenario file. A file that does not load is a failed result carrying the
 * located load error; anything else that goes wrong is a failed result too, so one broken file
 * never takes the others down.
 */
export async function runFile(file: string, options: FileOptions): Promise<FileOutcome> {
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioFile(file, { seed: options.seed });
  } catch (error) {
    if (error instanceof LoadError) return failedResult(file, `cannot load:\n${error.message}`);
    return failedResult(file, `cannot run: ${messageOf(error)}`);
  }
  if (!selected(loaded, options)) return undefined;
  try {
    return await runScenario(loaded, {
      transport: options.transport,
      matrix: options.matrix,
      responseCache: options.responseCache,
    });
  } catch (error) {
    return failedResult(file, `cannot run: ${messageOf(error)}`);
  }
}

function selected(l: LoadedScenario, options: FileOptions): boolean {
  const s = l.scenario;
  if (options.grep && !`${s.name} ${l.file}`.toLowerCase().includes(options.grep.toLowerCase())) return false;
  if (options.tags?.length && !(s.tags ?? []).some((t) => options.tags!.includes(t))) return false;
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
