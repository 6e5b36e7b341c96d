// Bundles the compiled CLI (dist/cli/main.js) and the `cgsim run --workers` thread
// (dist/scenarios/batch/worker.js) into one CommonJS file each in dist/cli-bundle/, run through
// V8's code cache by small ES module entries (main.js, worker.js; src/cli/code-cache.ts). Loading
// ~460 ES modules, then compiling them, was most of `cgsim`'s start-up (docs/performance.md,
// "Start-up"): one file needs no module resolution, and a code cache only fits a classic script
// on Node 20. What a command imports dynamically stays unevaluated until it runs. The public API
// (dist/index.js) is not bundled.
//
// The bundle sits two folders below the package root like every compiled module, so
// `../../package.json` and PROJECT_ROOT resolve the same; the assets that modules read beside
// themselves (`new URL(name, import.meta.url)`) are copied next to it. msw, express and faker stay
// in node_modules: src/util/lazy-module.ts require()s them by a name esbuild does not follow.
import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CLI_BUNDLE_DIR = "cli-bundle";

/** Files read relative to their module, from dist/ (as tsc and the asset copy left them). */
const ASSETS = {
  "scenarios/report/style.css": "style.css",
  "scenarios/report/client.js": "client.js",
  "inspector/ui": "ui",
};

/** The ES module entries: `cgsim` runs main.js; pool.ts starts worker.js beside the bundle. */
const ENTRIES = {
  main: `const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? "") ? process.argv[2] : "other";
runBundle(fileURLToPath(new URL("./main.cjs", import.meta.url)), command);`,
  worker: `runBundle(fileURLToPath(new URL("./worker.cjs", import.meta.url)), "worker", "loaded");`,
};

/** Bundles `dist`'s CLI into `dist`/cli-bundle. */
export async function bundleCli(dist) {
  const { build } = await import("esbuild");
  const outdir = join(dist, CLI_BUNDLE_DIR);
  const result = await build({
    entryPoints: {
      main: join(dist, "cli", "main.js"),
      worker: join(dist, "scenarios", "batch", "worker.js"),
    },
    outdir,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20.19",
    // Each module's import.meta.url becomes the bundle's own URL (same folder depth, see above).
    define: { "import.meta.url": "__cgsimBundleUrl" },
    banner: { js: 'const __cgsimBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
    metafile: true,
  });
  // A script compiled from a code cache cannot import() (Node 20 loses its loader settings), so
  // every import() must have become a require of bundled code.
  for (const [file, output] of Object.entries(result.metafile.outputs))
    for (const i of output.imports)
      if (i.kind === "dynamic-import" && i.external)
        throw new Error(`bundle: ${file} imports ${i.path} at run time; bundle it instead`);
  for (const [name, body] of Object.entries(ENTRIES))
    writeFileSync(
      join(outdir, `${name}.js`),
      `// Written by scripts/bundle-cli.mjs.\nimport { fileURLToPath } from "node:url";\nimport { runBundle } from "../cli/code-cache.js";\n\n${body}\n`,
    );
  for (const [from, to] of Object.entries(ASSETS)) {
    const target = join(outdir, to);
    if (existsSync(target)) throw new Error(`bundle: ${to} would overwrite a bundle file`);
    cpSync(join(dist, from), target, { recursive: true });
  }
}
