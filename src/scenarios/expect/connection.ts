import { z } from "zod";
import { connectionFor, defineExpectation } from "./expectation.ts";

/** `connection`: the scenario connection's state, or whether it exists. */
export const connection = defineExpectation({
  schema: z
    .object({
      state: z.enum(["draft", "ready", "obsolete", "limitExceeded"]).optional(),
      exists: z.boolean().optional(),
    })
    .strict(),
  check(ctx, { state, exists }) {
    const failures: string[] = [];
    const { world, connectionId } = ctx;
    const conn = world.graph.connection(connectionId);
    if (exists === false && conn) failures.push(`connection: ${connectionId} exists but should not`);
    if (exists === true && !conn) failures.push(`connection: ${connectionId} does not exist`);
    if (state) {
      const found = connectionFor(ctx, "connection", failures);
      const actual = found && world.graph.stateOf(found);
      if (found && actual !== state) failures.push(`connection: state is ${actual}, expected ${state}`);
    }
    return failures;
  },
});
