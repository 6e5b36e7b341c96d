// Whether dist/ (the compiled CLI and API) matches the TypeScript sources next to it.
// scripts/build.mjs writes dist/BUILD_STAMP (the time the build started) once everything else is in
// place. An installed package ships dist/ without src/, so it is always current; in a checkout,
// dist/ is current when no file or folder under src/ (nor a tsconfig file) changed after that time. Folder times catch added, removed and
// renamed files. Walking src/ costs a few milliseconds.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const BUILD_STAMP = ".build-stamp";

/** Newest modification time (ms) among the inputs of the build, or 0 when there is no src/. */
export function newestSourceTime(root) {
  const src = join(root, "src");
  if (!existsSync(src)) return 0;
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(src);
  for (const config of ["tsconfig.json", "tsconfig.build.json"]) {
    const path = join(root, config);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** "fresh", "stale" (src/ changed since the build) or "missing" (never built, or the build did not finish). */
export function buildState(root) {
  const stamp = join(root, "dist", BUILD_STAMP);
  if (!existsSync(stamp)) return "missing";
  const builtAt = Number(readFileSync(stamp, "utf8"));
  return newestSourceTime(root) < builtAt ? "fresh" : "stale";
}
