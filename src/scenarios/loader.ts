import { dirname } from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import type { LoadedCapture } from "../capture/load.ts";
import { type FixtureKind, fixtureHint, locateFixture } from "../fixture-formats/bundled.ts";
import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import { LoadError } from "../fixture-formats/errors.ts";
import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  directoryFrom,
  loadDirectoryFile,
} from "../fixture-formats/load.ts";
import type { SiteFixture } from "../fixture-formats/site-schema.ts";
import { type ResolvedSite, resolveSiteFile, siteOrGeneratorFrom } from "../fixture-formats/site-source.ts";
import { YamlSource } from "../fixture-formats/yaml.ts";
import { ReferenceScope } from "./references.ts";
import { type Scenario, scenarioSchema } from "./schema.ts";
import { checkStepReferences } from "./steps/registry.ts";

/** A scenario ready to run: validated, with its site and directory loaded and its seed fixed. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  site: SiteFixture;
  directory: DirectoryFile;
  seed: number;
  /** The parsed file, for locating steps in failure messages. */
  source: YamlSource;
  /** `site: <capture directory>`: the capture, whose index the runner seeds into the Graph twin. */
  capture?: LoadedCapture;
}

// Site and directory are validated separately (their own file or inline block) for precise errors.
const topLevel = scenarioSchema.extend({ site: z.unknown().optional(), directory: z.unknown().optional() });

export interface LoadOptions {
  /** Overrides the scenario's seed (`cgsim run --seed`). */
  seed?: number;
}

export function loadScenarioFile(file: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenario(YamlSource.read(file), options);
}

export function loadScenarioText(
  text: string,
  file = "inline.yaml",
  options: LoadOptions = {},
): LoadedScenario {
  return loadScenario(YamlSource.parse(text, file), options);
}

/**
 * A scenario written as a TypeScript object (same shape as the YAML). It goes through the same
 * validation; error locations refer to the object rendered as YAML under the given name.
 */
export function loadScenarioObject(
  scenario: Record<string, unknown>,
  name = "inline-scenario.yaml",
  options: LoadOptions = {},
): LoadedScenario {
  return loadScenario(YamlSource.parse(stringify(scenario), name), options);
}

function loadScenario(source: YamlSource, options: LoadOptions): LoadedScenario {
  const parsed = source.validate(topLevel);
  const seed = options.seed ?? parsed.seed ?? 1;
  const scenario: Scenario = { ...parsed, site: undefined, directory: undefined } as Scenario;
  const site = siteOf(source, seed);
  const directory = directoryOf(source, site);
  const references = new ReferenceScope(site.site.spec, directory, source);
  checkStepReferences(scenario.steps, references);
  if (references.issues.length > 0) throw new LoadError(references.issues);
  return { file: source.file, scenario, site: site.site, directory, seed, source, capture: site.capture };
}

function siteOf(source: YamlSource, seed: number): ResolvedSite {
  const value = source.at(["site"]);
  if (value === undefined) return resolveSiteFile(DEFAULT_SITE_FILE);
  if (typeof value === "string") return resolveSiteFile(fixturePath(source, ["site"], value, "site"), seed);
  const generator = source.at(["site", "generator"]);
  if (typeof generator === "string")
    return resolveSiteFile(fixturePath(source, ["site", "generator"], generator, "generator"), seed);
  return siteOrGeneratorFrom(source, ["site"], seed);
}

function directoryOf(source: YamlSource, site: ResolvedSite): DirectoryFile {
  const value = source.at(["directory"]);
  if (value === undefined) return site.directory ?? loadDirectoryFile(DEFAULT_DIRECTORY_FILE);
  if (typeof value === "string")
    return loadDirectoryFile(fixturePath(source, ["directory"], value, "directory"));
  return directoryFrom(source, ["directory"]);
}

/** A fixture a scenario refers to: a path relative to the scenario file, or a bundled fixture's name. */
function fixturePath(source: YamlSource, field: PropertyKey[], ref: string, kind: FixtureKind): string {
  const located = locateFixture(ref, kind, dirname(source.file));
  if (located.path) return located.path;
  throw new LoadError([source.issue(field, `file not found: ${ref}`, fixtureHint(kind, located))]);
}
