import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// A customer's scenario suite split into test files, run by test/scenarios/vitest-shard.test.ts
// under `vitest run --shard i/n` (its own config: these files are not part of cgsim's suite).
export default defineConfig({
  test: {
    root: dirname(fileURLToPath(import.meta.url)),
    include: ["*.suite.ts"],
    testTimeout: 120_000,
  },
});
