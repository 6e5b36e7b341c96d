import type { z } from "zod";
import type { RunContext } from "../context.ts";
import { expectStep } from "../expect/registry.ts";
import type { ReferenceScope } from "../references.ts";
import { kindOf, oneOf, schemasOf } from "../schema-parts.ts";
import { clockStep } from "./clock.ts";
import { confluenceStep } from "./confluence/registry.ts";
import { connectorStep } from "./connector.ts";
import { crawlStep } from "./crawl.ts";
import { directoryStep } from "./directory.ts";
import { faultsStep } from "./faults.ts";
import { graphStep } from "./graph.ts";
import type { StepModule, StepOutcome } from "./step-module.ts";

/** Every kind of scenario step; each is one module (steps/*.ts) with its schema, check and run. */
export type StepKind =
  | "crawl"
  | "confluence"
  | "directory"
  | "graph"
  | "clock"
  | "faults"
  | "connector"
  | "expect";

// The order is the file format's (the JSON Schema and the one-key message list keys in it).
const STEPS = {
  crawl: crawlStep,
  confluence: confluenceStep,
  directory: directoryStep,
  graph: graphStep,
  clock: clockStep,
  faults: faultsStep,
  connector: connectorStep,
  expect: expectStep,
} satisfies Record<StepKind, StepModule>;

export const stepSchema = oneOf(schemasOf(STEPS), "step");

export type Step = z.output<typeof stepSchema>;

const modules: Record<StepKind, StepModule> = STEPS;

export const stepKind = (step: Step): StepKind => kindOf(step);

/** Runs one step on the live world. */
export function runStep(ctx: RunContext, step: Step, index: number): StepOutcome | Promise<StepOutcome> {
  const kind = stepKind(step);
  return modules[kind].run(ctx, step[kind], index);
}

/**
 * Load time: checks every step's references in order (what a step creates counts from then on)
 * and puts each step's resolved value in its place.
 */
export function checkStepReferences(steps: Step[], scope: ReferenceScope): void {
  for (const [index, step] of steps.entries()) {
    const kind = stepKind(step);
    const tagged = step as Record<string, unknown>;
    tagged[kind] = modules[kind].references?.(step[kind], scope, ["steps", index, kind]) ?? step[kind];
  }
}
