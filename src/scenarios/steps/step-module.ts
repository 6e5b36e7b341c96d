import type { z } from "zod";
import type { RunContext } from "../context.ts";
import type { Path, ReferenceScope } from "../references.ts";
import type { ExternalRun } from "../results.ts";

/**
 * The shape of every step kind (and of every change inside a `confluence`, `directory` or `graph`
 * step): its zod schema, its load-time reference check, what it does, and its flags — all in the
 * module named after it. The registries (steps/registry.ts, steps/confluence/registry.ts, …) map
 * each key of the file format to one module.
 */

/** What a step reports: one line for the progress output, and what went wrong (nothing: passed). */
export interface StepOutcome {
  summary: string;
  failures: string[];
  /** A crawl step's external connector run, for the reports. */
  external?: ExternalRun;
}

/**
 * Load time (`references`): the names a value uses exist by then, and what it creates or renames
 * is recorded. Returns the value with its people references resolved (ReferenceScope), when it
 * has any: that value is what runs.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a check that resolves nothing returns nothing
export type Resolved<T> = T | void;

export interface StepModule<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  references?(value: z.output<S>, scope: ReferenceScope, path: Path): Resolved<z.output<S>>;
  /** Runs the step (index: its position in the scenario, 0-based). */
  run(ctx: RunContext, value: z.output<S>, index: number): StepOutcome | Promise<StepOutcome>;
}

export interface ChangeModule<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /**
   * The change may alter who can view what. It is recorded as a permission change: until a crawl
   * has seen it the parity oracle expects the index to be stale (and incremental crawls, by
   * design, never see it).
   */
  readonly changesPermissions?: boolean;
  references?(value: z.output<S>, scope: ReferenceScope, path: Path): Resolved<z.output<S>>;
  /** Applies the change; returns what was done (or that and failures, for checked calls). */
  apply(ctx: RunContext, value: z.output<S>): string | StepOutcome | Promise<string | StepOutcome>;
}

/** Typed constructors: the value a module's functions get is its schema's output. */
export const defineStep = <S extends z.ZodType>(module: StepModule<S>): StepModule<S> => module;
export const defineChange = <S extends z.ZodType>(module: ChangeModule<S>): ChangeModule<S> => module;
