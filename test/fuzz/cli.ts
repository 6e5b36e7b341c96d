/**
 * `npm run fuzz [-- --seed N --runs N --suite NAME]`: the long runs of the property suites that
 * `npm test` runs small. Suites: `parity` (generated sites through the built-in connector, 0
 * undocumented differences). A failure prints its seed (replay with `--seed`) and, for parity, the
 * shrunk case as a scenario file. Exit code 1 when any suite found a problem.
 */
import { parseArgs } from "node:util";
import { parityFuzz, parityReport } from "./parity.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    runs: { type: "string" },
    suite: { type: "string", multiple: true },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const suites = values.suite ?? ["parity"];
let failed = false;

console.log(
  `fuzz: seed ${seed} (replay: npm run fuzz -- --seed ${seed}${values.runs ? ` --runs ${values.runs}` : ""})`,
);
if (suites.includes("parity")) {
  const started = performance.now();
  const run = await parityFuzz(seed, Number(values.runs ?? 220));
  console.log(parityReport(run, (performance.now() - started) / 1000).join("\n"));
  failed ||= run.failure !== undefined;
}
process.exitCode = failed ? 1 : 0;
