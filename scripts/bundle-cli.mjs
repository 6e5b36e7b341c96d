// Bundles the compiled CLI (dist/cli/main.js) and the `cgsim run --workers` thread
// (dist/scenarios/batch/worker.js) into dist/cli-bundle/: a few files instead of ~460 ES modules
// (cgsim's own, zod's, jose's, …), because resolving, reading and linking each module was most of
// `cgsim`'s start-up (docs/performance.md, "Start-up"). Dynamic imports stay separate chunks, so a
// command still loads only what it runs. The public API (dist/index.js) is not bundled.
//
// The bundle sits two folders below the package root like every compiled module, so
// `../../package.json` and PROJECT_ROOT resolve the same; the assets that modules read beside
// themselves (`new URL(name, import.meta.url)`) are copied next to it. msw, express and faker stay
// in node_modules: src/util/lazy-module.ts require()s them by a name esbuild does not follow.
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";

export const CLI_BUNDLE_DIR = "cli-bundle";

/** Files read relative to their module, from dist/ (as tsc and the asset copy left them). */
const ASSETS = {
  "scenarios/report/style.css": "style.css",
  "scenarios/report/client.js": "client.js",
  "inspector/ui": "ui",
};

/** Bundles `dist`'s CLI into `dist`/cli-bundle. */
export async function bundleCli(dist) {
  const { build } = await import("esbuild");
  const outdir = join(dist, CLI_BUNDLE_DIR);
  await build({
    entryPoints: {
      main: join(dist, "cli", "main.js"),
      worker: join(dist, "scenarios", "batch", "worker.js"),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    // Bundled CommonJS dependencies (commander, yaml, the Graph client) call require() for Node's
    // built-ins; an ES module has no require of its own.
    banner: {
      js: 'import { createRequire as __cgsimRequire } from "node:module";\nconst require = __cgsimRequire(import.meta.url);',
    },
    // Left to Node: esbuild gives a dynamic import() of a CommonJS package only its `default`, and
    // src/simulators/host/certificates.ts imports selfsigned's named `generate` (it is also 0.7 MB
    // that only https needs).
    external: ["selfsigned"],
    logLevel: "warning",
  });
  for (const [from, to] of Object.entries(ASSETS)) {
    const target = join(outdir, to);
    if (existsSync(target)) throw new Error(`bundle: ${to} would overwrite a bundle file`);
    cpSync(join(dist, from), target, { recursive: true });
  }
}
