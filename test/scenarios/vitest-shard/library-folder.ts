import { join } from "node:path";
import { expect, it } from "vitest";
import { assertScenario, scenarioFiles } from "../../../src/scenarios/index.ts";
import { ROOT } from "../../cli/spawn.ts";

/** One test per scenario of a library folder: the pattern docs/ci.md shows for vitest --shard. */
export function libraryFolderTests(folder: string): void {
  it.each(scenarioFiles(join(ROOT, folder)))("%s", async (file) => {
    expect((await assertScenario(file)).ok).toBe(true);
  });
}
