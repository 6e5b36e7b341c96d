import { defineConfig } from "vitest/config";

/** Node 22-only suites (confluence.js 3.x needs Node ≥ 22); run by test/compat/run-node22.sh. */
export default defineConfig({
  test: {
    include: ["test/**/*.node22.test.ts"],
    testTimeout: 30_000,
    pool: "threads",
  },
});
