import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { PROJECT_ROOT } from "../fixture-formats/project-root.ts";
import { UsageError } from "./errors.ts";

/** What `cgsim init` copies: example scenarios, a vitest file running them, a CI workflow. */
export const INIT_TEMPLATES = join(PROJECT_ROOT, "templates", "init");

/** The npm scripts `cgsim init` adds to the project's package.json. */
export const INIT_SCRIPTS: Record<string, string> = {
  "cgsim:serve": "cgsim serve --proxy",
  "cgsim:test": "vitest run test/cgsim-scenarios.test.ts",
};

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "scaffold cgsim in your connector's repository: example scenarios, a vitest file, npm scripts, a CI workflow",
    )
    .argument("[dir]", "the project folder (holding package.json)", ".")
    .action((dir: string) => {
      const written = scaffold(resolve(dir));
      for (const line of written) process.stderr.write(`${pc.green("created")} ${line}\n`);
      process.stderr.write(`${nextSteps(resolve(dir))}\n`);
    });
}

/**
 * Copies the templates into `dir` and adds the npm scripts. Checks everything first and writes
 * nothing when any file exists or a script name is taken by another command: init never
 * overwrites the project's own work.
 */
export function scaffold(dir: string): string[] {
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath))
    throw new UsageError(
      `no package.json in ${dir}: run \`npm init -y && npm install -D cgsim vitest\` there first`,
    );
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { scripts?: Record<string, string> };
  const files = templateFiles(INIT_TEMPLATES);
  const existing = files.filter((file) => existsSync(join(dir, file)));
  const scripts = manifest.scripts ?? {};
  const takenScripts = Object.keys(INIT_SCRIPTS).filter(
    (name) => scripts[name] !== undefined && scripts[name] !== INIT_SCRIPTS[name],
  );
  if (existing.length > 0 || takenScripts.length > 0) {
    const clashes = [
      ...existing.map((f) => `${f} exists`),
      ...takenScripts.map((name) => `package.json already has a "${name}" script: ${scripts[name]}`),
    ];
    throw new UsageError(
      `cgsim init writes nothing, because it would overwrite:\n  ${clashes.join("\n  ")}\nmove or rename these, then run it again`,
    );
  }
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), readFileSync(join(INIT_TEMPLATES, file)));
  }
  manifest.scripts = { ...scripts, ...INIT_SCRIPTS };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return [...files, `package.json scripts: ${Object.keys(INIT_SCRIPTS).join(", ")}`];
}

function templateFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
    );
  return walk(root).sort();
}

function nextSteps(dir: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const hasVitest = Boolean(manifest.devDependencies?.vitest ?? manifest.dependencies?.vitest);
  return [
    "",
    "next:",
    ...(hasVitest ? [] : ["  npm install -D vitest          # the scenario suite runs under vitest"]),
    "  npx cgsim run scenarios/       # run the examples",
    "  npm run cgsim:test             # the same scenarios as vitest tests (CI runs this)",
    "  npm run cgsim:serve            # the twins behind a proxy on :8000 for your dev server",
    "  point a scenario's `connector: { command: … }` at your own connector (see the comment in",
    "  scenarios/restricted-child-page.yaml)",
  ].join("\n");
}
