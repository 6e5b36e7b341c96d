import { z } from "zod";
import type { RunContext } from "../context.ts";
import { defineStep } from "../steps/step-module.ts";
import { access } from "./access.ts";
import { acl } from "./acl.ts";
import { connection } from "./connection.ts";
import { content } from "./content.ts";
import { errors } from "./errors.ts";
import type { ExpectationModule } from "./expectation.ts";
import { externalGroup } from "./external-group.ts";
import { injectedFaults } from "./injected-faults.ts";
import { item } from "./item.ts";
import { items } from "./items.ts";
import { parity } from "./parity.ts";
import { requests } from "./requests.ts";
import { resolve } from "./resolve.ts";
import { resume } from "./resume.ts";
import { retries } from "./retries.ts";
import { sameIndexAsFaultFree } from "./same-index.ts";
import { search } from "./search.ts";

/** Every key an `expect` step may hold. */
type ExpectationKey =
  | "connection"
  | "items"
  | "item"
  | "acl"
  | "externalGroup"
  | "search"
  | "resolve"
  | "errors"
  | "requests"
  | "retries"
  | "access"
  | "content"
  | "parity"
  | "injectedFaults"
  | "resume"
  | "sameIndexAsFaultFree";

// Checked (and listed in the JSON Schema) in this order.
const EXPECTATIONS = {
  connection,
  items,
  item,
  acl,
  externalGroup,
  search,
  resolve,
  errors,
  requests,
  retries,
  access,
  content,
  parity,
  injectedFaults,
  resume,
  sameIndexAsFaultFree,
} satisfies Record<ExpectationKey, ExpectationModule>;

type Optional<T extends Record<string, ExpectationModule>> = {
  [K in keyof T]: z.ZodOptional<T[K]["schema"]>;
};

const shape = Object.fromEntries(
  Object.entries(EXPECTATIONS).map(([key, module]) => [key, module.schema.optional()]),
) as Optional<typeof EXPECTATIONS>;

export const expectationSchema = z.object(shape).strict().describe("Checks; every key given must hold");

export type Expectation = z.output<typeof expectationSchema>;

const modules: Array<[ExpectationKey, ExpectationModule]> = Object.entries(EXPECTATIONS) as Array<
  [ExpectationKey, ExpectationModule]
>;

/** Checks every key of one `expect` step; returns one message per broken expectation. */
export async function checkExpectation(ctx: RunContext, e: Expectation): Promise<string[]> {
  const failures: string[] = [];
  for (const [key, module] of modules) {
    if (e[key] !== undefined) failures.push(...(await module.check(ctx, e[key])));
  }
  return failures;
}

/** The `expect` step: every key given must hold; failures are collected and reported together. */
export const expectStep = defineStep({
  schema: expectationSchema,
  references(e, scope, path) {
    const resolved: Record<string, unknown> = e;
    for (const [key, module] of modules) {
      if (e[key] !== undefined) resolved[key] = module.references?.(e[key], scope, [...path, key]) ?? e[key];
    }
  },
  async run(ctx, e) {
    const failures = await checkExpectation(ctx, e);
    return { summary: `expect ${Object.keys(e).join(", ")}`, failures };
  },
});
