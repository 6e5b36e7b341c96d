import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Node 22-only suites (confluence.js 3.x) run through test/compat/run-node22.sh, not here.
    exclude: ["**/node_modules/**", "test/**/*.node22.test.ts"],
    // A hang guard, not a speed check (speed lives in bench/): tests that start CLI processes take
    // 10 s and more each when a 2-core machine is busy, and a 20 s guard failed them under load.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "threads",
  },
});
