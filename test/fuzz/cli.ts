/**
 * `npm run fuzz [-- --seed N --runs N --cases N --suite NAME]`: the long runs of the property
 * suites that `npm test` runs small. Suites: `parity` (generated sites through the built-in
 * connector, 0 undocumented differences; `--runs`, default 220), `mutants` (the same property
 * catches each deliberately broken permission strategy of test/mutation) and `twins` (random and
 * hostile requests to every route of both twins, deep grammars, mutated tokens, scenario YAML;
 * `--cases`, default 11,000). A failure prints its seed (replay with `--seed`) and, for parity, the
 * shrunk case as a scenario file. Exit code 1 when any suite found a problem.
 */
import { parseArgs } from "node:util";
import { mutantsFuzz, parityFuzz, parityReport } from "./parity.ts";
import { twinsFuzz } from "./twins.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    runs: { type: "string" },
    cases: { type: "string", default: "11000" },
    "hang-ms": { type: "string", default: "10000" },
    suite: { type: "string", multiple: true },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const suites = values.suite ?? ["parity", "mutants", "twins"];
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
if (suites.includes("mutants")) {
  const { lines, ok } = await mutantsFuzz(seed, 200);
  console.log(lines.join("\n"));
  failed ||= !ok;
}
if (suites.includes("twins")) {
  const ok = await twinsFuzz(seed, Number(values.cases), Number(values["hang-ms"]));
  failed ||= !ok;
}
process.exitCode = failed ? 1 : 0;
