// Compiles src/ into dist/ (JavaScript + .d.ts, `.ts` import specifiers rewritten to `.js`) and
// copies every other file under src/ (report CSS/JS, generated JSON, …) beside it, so code that
// reads an asset relative to its own module finds it in both trees. Then bundles the CLI into
// dist/cli-bundle/ (scripts/bundle-cli.mjs), which is what `cgsim` runs. Run by `prepare`
// (npm install, npm ci) and `prepack` (npm pack, npm publish).
//
//   node scripts/build.mjs              build
//   node scripts/build.mjs --if-stale   build only when src/ changed since the last build
//
// The build goes to a temporary folder that replaces dist/ at the end, and the stamp is written
// last: an interrupted build leaves no dist/ that looks complete (bin/cgsim.js then runs the sources).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_STAMP, buildState } from "../bin/build-state.js";
import { bundleCli } from "./bundle-cli.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const state = buildState(root);
if (process.argv.includes("--if-stale") && state === "fresh") process.exit(0);

const startedAt = Date.now();
const staging = join(root, `dist.tmp-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// Type errors are `npm run typecheck`'s job (npm test runs it first); --noCheck only emits, which
// takes about a third less CPU than a checked build.
const result = spawnSync(
  process.execPath,
  [tsc, "-p", "tsconfig.build.json", "--noCheck", "--outDir", staging],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (result.status !== 0) {
  rmSync(staging, { recursive: true, force: true });
  console.error("build: tsc failed");
  process.exit(result.status ?? 1);
}

const copyAssets = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!/\.(m|c)?ts$/.test(entry.name)) cpSync(path, join(staging, relative(join(root, "src"), path)));
  }
};
copyAssets(join(root, "src"));
await bundleCli(staging);
writeFileSync(join(staging, BUILD_STAMP), String(startedAt));

const dist = join(root, "dist");
if (existsSync(dist)) rmSync(dist, { recursive: true, force: true });
renameSync(staging, dist);
console.error(`build: dist/ written in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
