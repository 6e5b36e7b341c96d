import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzBudget, type FuzzStats, FUZZ_PROPERTIES as P } from "./properties.ts";
import { type FuzzWorld, fuzzWorld } from "./world.ts";

/**
 * The fuzz suite, bounded to a few seconds: random requests to every route of both twins, deep
 * nesting in every grammar, mutated credentials and scenario YAML. `npm run fuzz -- --suite twins` runs the same
 * properties for 10,000+ cases (test/fuzz/cli.ts). A fixed seed keeps `npm test` deterministic;
 * FUZZ_SEED picks another.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_101);
const budget = (runs: number): FuzzBudget => ({ seed: SEED, runs, timeLimitMs: 2_500 });

let fw: FuzzWorld;
beforeAll(async () => {
  fw = await fuzzWorld();
});
afterAll(() => fw.world.close());

function expectClean(stats: FuzzStats): void {
  const failure = stats.failure
    ? `seed ${stats.failure.seed} path ${stats.failure.path}: ${stats.failure.detail}\n  ${stats.failure.counterexample}`
    : "";
  expect(failure, `${stats.property}: replay with FUZZ_SEED=${SEED}`).toBe("");
  expect(stats.cases).toBeGreaterThan(20);
}

describe("fuzz (bounded)", () => {
  it("every route of both twins: never a 5xx, never a foreign error shape, never a hang", async () => {
    expectClean(await P.routes.run(fw, budget(400)));
  });

  it("deep nesting and long chains in CQL, KQL, $filter and JSON bodies: 400s in the service's shape", async () => {
    expectClean(await P.grammars.run(fw, budget(60)));
  });

  it("mutated Graph tokens, Confluence API tokens and OAuth tokens: never accepted", async () => {
    expectClean(await P.tokens.run(fw, budget(300)));
  });

  it("scenario YAML with deep nesting and aliases: a located load error or a scenario", async () => {
    expectClean(await P.yaml.run(fw, budget(60)));
  });
});
