import { existsSync, readdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { PROJECT_ROOT } from "./load.ts";

/**
 * The fixtures shipped with cgsim, by folder: `site: contoso` names fixtures/sites/contoso.yaml,
 * `generator: medium` fixtures/generators/medium.yaml. A `site:` may also name a generator, which
 * expands to a site and its directory.
 */
export type FixtureKind = "site" | "directory" | "generator";

const FOLDERS: Record<FixtureKind, string[]> = {
  site: ["sites", "generators"],
  directory: ["directories"],
  generator: ["generators"],
};

/** A bare name (no folder, no extension) refers to a bundled fixture. */
const NAME = /^[A-Za-z0-9][\w-]*$/;

export function bundledFixtureNames(kind: FixtureKind): string[] {
  return FOLDERS[kind].flatMap((folder) => {
    const dir = join(PROJECT_ROOT, "fixtures", folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.slice(0, -".yaml".length));
  });
}

export interface LocatedFixture {
  /** The file (or capture directory) found, if any. */
  path?: string;
  /** Every place looked at, for the error message when nothing was found. */
  looked: string[];
}

/**
 * Where a fixture reference written in a file under `baseDir` points, in this order: an absolute
 * path; a path relative to `baseDir` (the scenario's folder, or the working directory on the
 * command line); a bundled fixture's name; a path relative to cgsim's own folder (how the bundled
 * scenarios write `fixtures/generators/medium.yaml`, which therefore works from anywhere).
 */
export function locateFixture(ref: string, kind: FixtureKind, baseDir: string): LocatedFixture {
  if (isAbsolute(ref)) return existsSync(ref) ? { path: ref, looked: [ref] } : { looked: [ref] };
  const candidates = [resolve(baseDir, ref)];
  if (NAME.test(ref)) {
    for (const folder of FOLDERS[kind])
      candidates.push(join(PROJECT_ROOT, "fixtures", folder, `${ref}.yaml`));
  } else {
    candidates.push(join(PROJECT_ROOT, ref));
  }
  return { path: candidates.find((c) => existsSync(c)), looked: candidates };
}

/** The hint for a reference that names nothing: what was tried and which names exist. */
export function fixtureHint(kind: FixtureKind, located: LocatedFixture): string {
  return `looked at ${located.looked.join(", ")}; bundled ${kind} names: ${bundledFixtureNames(kind).join(", ")}`;
}
