import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Node 22-only suites (confluence.js 3.x) run through test/compat/run-node22.sh, not here.
    exclude: ["**/node_modules/**", "test/**/*.node22.test.ts"],
    testTimeout: 20_000,
    pool: "threads",
  },
});
