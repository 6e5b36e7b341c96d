import { z } from "zod";
import {
  type FaultPlanSpec,
  type FaultRule,
  faultPlanSchema,
  faultRuleSchema,
} from "../../simulators/host/faults.ts";
import { many } from "../schema-parts.ts";
import { defineStep } from "./step-module.ts";

/** The `faults` step (and the scenario's initial `faults:`): the host's fault plan. */

const serviceRules = many(faultRuleSchema, "FaultRule");

export const faultsStepSchema = z
  .union([
    z.literal("clear"),
    faultPlanSchema,
    z
      .object({
        seed: z.number().int().optional(),
        confluence: serviceRules.optional(),
        graph: serviceRules.optional(),
        login: serviceRules.optional(),
        "atlassian-auth": serviceRules.optional(),
      })
      .strict()
      .describe("Rules per service (shorthand for rules with `service:` set)"),
  ])
  .describe("Replace the fault plan, or `clear`");

type FaultsStep = z.output<typeof faultsStepSchema>;

/** A faults step as a host fault plan; the scenario seed seeds it unless the step has its own. */
export function faultPlanOf(step: FaultsStep, seed: number): FaultPlanSpec {
  if (step === "clear") return { seed, rules: [] };
  if ("rules" in step && Array.isArray(step.rules)) return { seed: step.seed ?? seed, rules: step.rules };
  const rules: FaultRule[] = [];
  const byService = step as Record<string, FaultRule | FaultRule[] | number | undefined>;
  for (const [service, value] of Object.entries(byService)) {
    if (service === "seed" || value === undefined || typeof value === "number") continue;
    for (const rule of Array.isArray(value) ? value : [value]) rules.push({ ...rule, service });
  }
  return { seed: (step as { seed?: number }).seed ?? seed, rules };
}

export const faultsStep = defineStep({
  schema: faultsStepSchema,
  run(ctx, step) {
    const plan = faultPlanOf(step, ctx.seed);
    ctx.world.host.faults.set(plan);
    return { summary: `faults: ${plan.rules.length} rule(s)`, failures: [] };
  },
});
