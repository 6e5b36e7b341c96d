import { describe, expect, it } from "vitest";
import { checkParityProperty } from "../support/parity-cases.ts";

/**
 * The parity property in CI: small generated sites (restricted trees, anonymous spaces, hidden
 * emails, guests, deactivated accounts, email variants, email ≠ UPN, nested Entra groups) with
 * moves, restriction, group, email, anonymous-access, status and account changes between two
 * crawls of the built-in connector, under both permission policies: no undocumented difference.
 * `npm run fuzz` runs the same property over hundreds of bigger sites.
 */
describe("parity property over generated sites", () => {
  it("leaves 0 undocumented differences (a failure prints the shrunk case as a scenario file)", async () => {
    const run = await checkParityProperty({ numRuns: 12, seed: 20260713 });
    const message = run.failure
      ? `${run.failure.text}\n\nsave as scenarios/…/parity-case.yaml and replay with cgsim run:\n${run.failure.yaml}`
      : "";
    expect(run.failure, message).toBeUndefined();
    expect(run.stats.cases).toBe(12);
    expect(Object.keys(run.stats.byPolicy).sort()).toEqual(["confluence", "documented"]);
  }, 60_000);
});
