#!/usr/bin/env sh
# Runs the Node 22-only compatibility suites (confluence.js 3.x) with Node 22 from the npm
# registry, whatever Node runs npm itself. Extra arguments go to vitest.
set -e
cd "$(dirname "$0")/../.."
exec npx -y node@22 node_modules/vitest/vitest.mjs run --config vitest.node22.config.ts "$@"
