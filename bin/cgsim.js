#!/usr/bin/env node
// The `cgsim` command. Runs the compiled, bundled CLI in dist/cli-bundle/ (built by `npm install`/`npm ci` through
// `prepare`, and by `npm pack` through `prepack`). In a checkout whose src/ changed after the last
// build (or that was never built), it runs the TypeScript sources through tsx instead, so an edit
// never runs stale code: `npm run build` makes start-up fast again (bin/build-state.js has the rule).
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildState } from "./build-state.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (buildState(root) === "fresh") {
  await import(pathToFileURL(join(root, "dist", "cli-bundle", "main.js")).href);
} else {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write(
      "cgsim: dist/ is missing or out of date and tsx is not installed; run `npm run build`\n",
    );
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href);
}
