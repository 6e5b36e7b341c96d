/**
 * cgsim's public API (`import { … } from "cgsim"`): run scenarios from a test runner, and embed
 * the twins in your own tests or dev server.
 *
 *   import { assertScenario, scenarioFiles } from "cgsim";
 *   test.each(scenarioFiles("scenarios"))("%s", (file) => assertScenario(file));
 *
 *   const world = serveWorld({ site: "contoso" });
 *   const server = await world.listen({ https: true }); // server.url, server.caFile
 *   … await world.close();
 */

// Embedding: the world `cgsim serve` serves, or one built from your own fixtures.
export { type ServeOptions, serveWorld } from "./cli/serve.ts";
export { bundledFixtureNames, type FixtureKind, locateFixture } from "./fixture-formats/bundled.ts";
export type { DirectoryFile } from "./fixture-formats/directory-schema.ts";
export { LoadError, type LoadIssue } from "./fixture-formats/errors.ts";
export { loadDirectoryFile, loadSiteFile } from "./fixture-formats/load.ts";
export type { SiteFile, SiteFixture } from "./fixture-formats/site-schema.ts";
export { type ResolvedSite, resolveSiteFile } from "./fixture-formats/site-source.ts";
// Scenarios: load, run, assert, report.
export * from "./scenarios/index.ts";

// The twins' public types (what a World exposes).
export type { ConfluenceOptions, ConfluenceTwin } from "./simulators/confluence/twin.ts";
export type { DirectorySpec } from "./simulators/directory/model.ts";
export type { Directory } from "./simulators/directory/store.ts";
export type { GraphTwin, GraphTwinOptions } from "./simulators/graph/twin.ts";
export { LiveClock, SimClock } from "./simulators/host/clock.ts";
export type { FaultPlanSpec, FaultRule } from "./simulators/host/faults.ts";
export type { HttpServerOptions, RunningServer } from "./simulators/host/http.ts";
export type { ProxyOptions, RunningProxy } from "./simulators/host/proxy.ts";
