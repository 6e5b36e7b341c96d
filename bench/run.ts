/** Runs every benchmark in bench/ one after another (`npm run bench`). Results land in bench/results/. */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir).filter(
  (f) =>
    f.endsWith(".ts") &&
    f !== "run.ts" &&
    f !== "support.ts" &&
    (only.length === 0 || only.some((o) => f.includes(o))),
);
let failed = 0;
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
