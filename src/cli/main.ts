import { readFileSync } from "node:fs";
import module from "node:module";
import { Command } from "commander";
import { registerAudit } from "./audit.ts";
import { registerCapture } from "./capture.ts";
import { registerCrawl } from "./crawl.ts";
import { printError } from "./errors.ts";
import { registerExplain } from "./explain.ts";
import { registerInit } from "./init.ts";
import { registerReplay } from "./replay.ts";
import { registerReport } from "./report.ts";
import { registerRun, stalledDetail } from "./run.ts";
import { registerSchema } from "./schema.ts";
import { registerSeed } from "./seed.ts";
import { registerServe } from "./serve-command.ts";

/** `cgsim`: run scenarios, serve the twins, generate fixtures, print the scenario schema. */
export function createProgram(): Command {
  const program = new Command("cgsim")
    .description("Confluence Cloud → Microsoft Graph connector simulator")
    .version(packageVersion(), "-V, --version", "print the cgsim version")
    .option("--debug", "print stack traces with errors")
    .showHelpAfterError();
  registerRun(program);
  registerServe(program);
  registerSeed(program);
  registerSchema(program);
  registerExplain(program);
  registerCrawl(program);
  registerCapture(program);
  registerAudit(program);
  registerReplay(program);
  registerInit(program);
  registerReport(program);
  return program;
}

/** The version in package.json (two folders up from both src/cli and dist/cli). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version);
}

// Node ≥ 22.1 keeps the compiled code of the modules loaded from here on in a disk cache (in the
// temp folder) for the next start; Node 20 has no such API. Measured in docs/performance.md.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A reader that closed the pipe early (`cgsim schema | head -1`) has what it wanted: stop quietly,
// as Unix tools do, instead of crashing on the unhandled EPIPE of the next write.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

const program = createProgram();
let settled = false;
// If the event loop empties while a command is still awaiting (a promise that can never settle),
// Node would exit 0 silently: say so and fail instead.
process.once("beforeExit", () => {
  if (settled) return;
  process.stderr.write(
    `error: cgsim stopped with work pending (a request or timer can never complete)${stalledDetail()}\n`,
  );
  process.exitCode = 1;
});
program
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    printError(error, Boolean(program.opts().debug));
    process.exitCode = 1;
  })
  .finally(() => {
    settled = true;
  });
