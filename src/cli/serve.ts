import { type FixtureKind, fixtureHint, locateFixture } from "../fixture-formats/bundled.ts";
import { DEFAULT_DIRECTORY_FILE, DEFAULT_SITE_FILE, loadDirectoryFile } from "../fixture-formats/load.ts";
import type { SiteFixture } from "../fixture-formats/site-schema.ts";
import { resolveSiteFile } from "../fixture-formats/site-source.ts";
import { installInspector } from "../inspector/install.ts";
import type { OAuthApp } from "../simulators/confluence/auth/oauth.ts";
import { LiveClock, SimClock } from "../simulators/host/clock.ts";
import { World } from "../simulators/world.ts";
import { UsageError } from "./errors.ts";

export interface ServeOptions {
  site?: string;
  directory?: string;
  port?: number;
  https?: boolean;
  seed?: number;
  /** commander's `--no-response-cache` */
  responseCache?: boolean;
  express?: boolean;
  /** `--proxy [port]`: true without a port (Dev Proxy's 8000). */
  proxy?: number | boolean;
  /** `--write-env <file>` (not `--env-file`: Node reads that as its own flag anywhere on the command line, nodejs/node#54232). */
  writeEnv?: string;
  clock?: "realtime" | "frozen";
  clockRate?: number;
  /** commander's `--strict-odata-types` */
  strictOdataTypes?: boolean;
  /** `--open`: the inspector in the desktop's browser. */
  open?: boolean;
  /** Admin requests must send `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/**
 * The Confluence OAuth 2.0 (3LO) app `cgsim serve` registers, so 3LO clients can sign in without
 * setup; the ready line names it. A site file's own apps come first.
 */
export const SERVE_OAUTH_APP: OAuthApp = {
  clientId: "cgsim-3lo-client",
  clientSecret: "cgsim-3lo-secret",
  name: "cgsim local 3LO app",
  redirectUris: ["http://localhost:3000/callback"],
};

/**
 * The world `cgsim serve` serves: the given (or bundled) site and directory, seeded faults, a live
 * clock from the current time (or a frozen one), and a registered Confluence OAuth app.
 */
export function serveWorld(options: ServeOptions = {}): World {
  const { site, directory: generated } = resolveSiteFile(
    options.site ? fixtureArgument(options.site, "site") : DEFAULT_SITE_FILE,
    options.seed,
  );
  const directory = options.directory
    ? loadDirectoryFile(fixtureArgument(options.directory, "directory"))
    : (generated ?? loadDirectoryFile(DEFAULT_DIRECTORY_FILE));
  const world = new World({
    site: withServeOAuthApp(site),
    directory,
    clock: serveClock(options),
    faults: options.seed === undefined ? undefined : { seed: options.seed, rules: [] },
    responseCache: options.responseCache,
    graph: options.strictOdataTypes ? { strictODataTypes: true } : undefined,
    exchanges: true,
    adminToken: options.adminToken,
  });
  installInspector(world);
  return world;
}

/** A --site or --directory value: a path from the working directory or a bundled fixture's name. */
function fixtureArgument(ref: string, kind: FixtureKind): string {
  const located = locateFixture(ref, kind, process.cwd());
  if (located.path) return located.path;
  throw new UsageError(`--${kind} ${ref}: not found (${fixtureHint(kind, located)})`);
}

function serveClock(options: ServeOptions): SimClock {
  const mode = options.clock ?? "realtime";
  if (mode === "frozen") {
    if (options.clockRate !== undefined && options.clockRate !== 1)
      throw new UsageError("--clock-rate needs --clock realtime");
    return new SimClock(Date.now());
  }
  if (mode !== "realtime") throw new UsageError(`--clock must be realtime or frozen, got "${mode}"`);
  return new LiveClock({ rate: options.clockRate ?? 1 });
}

function withServeOAuthApp(site: SiteFixture): SiteFixture {
  const oauth = site.options?.oauth;
  const apps = oauth?.apps ?? [];
  if (apps.some((a) => a.clientId === SERVE_OAUTH_APP.clientId)) return site;
  return { ...site, options: { ...site.options, oauth: { ...oauth, apps: [...apps, SERVE_OAUTH_APP] } } };
}
