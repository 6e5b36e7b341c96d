import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { type Finished, finished, ROOT } from "../cli/spawn.ts";

/**
 * A project outside this repository that installs cgsim from its packed tarball, as a team adds it
 * to its own connector's repository. Its commands run with a chosen Node first on PATH.
 */

const repoManifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** What the consumer installs beside cgsim: this repository's own versions, so they come from the npm cache. */
export const CONSUMER_DEV_DEPENDENCIES = ["vitest", "typescript", "@types/node"].map(
  (name) => `${name}@${repoManifest.devDependencies[name]}`,
);

/** Runs a command and fails with its output unless it exits 0. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Finished> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? consumerEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = await finished(child);
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.code} in ${options.cwd}\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

/**
 * The environment of the consumer's commands: this process's, without what the test runner and
 * `npm test` set (npm_config_local_prefix would send `npm install` back into this repository, and
 * VITEST_* would confuse the consumer's own vitest), with `nodeDir` first on PATH.
 */
export function consumerEnv(nodeDir = dirname(process.execPath)): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|userconfig|globalconfig|registry)$/;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(VITEST|TSX_|NODE_OPTIONS$)/.test(key) && (!/^npm_/i.test(key) || keep.test(key)),
    ),
  );
  return { ...env, PATH: `${nodeDir}${delimiter}${env.PATH ?? ""}`, NO_COLOR: "1", FORCE_COLOR: "0" };
}

/** `npm pack` of this repository into a new temporary folder; returns the tarball's path. */
export async function packRepository(): Promise<{ tarball: string; bytes: number }> {
  const out = mkdtempSync(join(tmpdir(), "cgsim-pack-"));
  const result = await run("npm", ["pack", "--json", "--pack-destination", out], { cwd: ROOT });
  // prepack's build may print before the JSON; the JSON is the last thing npm writes.
  const [packed] = JSON.parse(result.stdout.slice(result.stdout.indexOf("[")));
  return { tarball: join(out, packed.filename), bytes: packed.size };
}

/** An empty project in the temporary folder with cgsim (and the given packages) installed from the tarball. */
export async function installConsumer(
  tarball: string,
  extra: string[] = [],
): Promise<{ dir: string; installMs: number }> {
  const dir = join(mkdtempSync(join(tmpdir(), "cgsim-consumer-")), "my-connector");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "my-connector", private: true, type: "module" }, null, 2)}\n`,
  );
  const started = performance.now();
  await run("npm", ["install", "-D", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...extra], {
    cwd: dir,
  });
  return { dir, installMs: performance.now() - started };
}
