import { z } from "zod";
import { parseDuration } from "../../simulators/host/clock.ts";
import { duration } from "../schema-parts.ts";
import { defineStep } from "./step-module.ts";

/** The `clock` step: advance or set simulated time. */
export const clockStep = defineStep({
  schema: z
    .union([
      z.object({ advance: duration }).strict(),
      z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
    ])
    .describe("Advance or set simulated time"),
  run({ world: { clock } }, step) {
    if ("advance" in step) clock.advance(parseDuration(step.advance));
    else clock.set(step.set);
    return { summary: `clock at ${clock.iso()}`, failures: [] };
  },
});
