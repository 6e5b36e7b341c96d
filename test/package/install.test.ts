import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoints } from "../../src/scenarios/endpoints.ts";
import { finished, firstLine } from "../cli/spawn.ts";
import { CONSUMER_DEV_DEPENDENCIES, consumerEnv, installConsumer, packRepository, run } from "./consumer.ts";

/**
 * cgsim as a dev dependency of another repository (issue: "cgsim as a dev dependency of a team's
 * own connector repo"): pack this repository, install the tarball into an empty project outside it,
 * and there run what the README's "Use cgsim in your connector's repo" tells a team to run, on
 * the Node running this test (20.19+) and on Node 22. The install takes its packages from the npm
 * cache when they are there (--prefer-offline). Install time and size are measured in bench/, not here.
 */

const SLOW = 300_000; // a hang guard: npm install and a vitest run under a busy machine

let consumer: string;
let tarballDir: string;

beforeAll(async () => {
  const { tarball } = await packRepository();
  tarballDir = dirname(tarball);
  ({ dir: consumer } = await installConsumer(tarball, CONSUMER_DEV_DEPENDENCIES));
}, SLOW);

afterAll(() => {
  if (consumer) rmSync(dirname(consumer), { recursive: true, force: true });
  if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe("the installed package", () => {
  it("ships compiled JavaScript without sources or tsx, and the schemas under cgsim/schemas/", async () => {
    const installed = join(consumer, "node_modules", "cgsim");
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(installed, "dist", "index.d.ts"))).toBe(true);
    for (const devOnly of ["src", "test", "bench", "scripts", "tsconfig.json", "docs"])
      expect(existsSync(join(installed, devOnly)), devOnly).toBe(false);
    expect(existsSync(join(consumer, "node_modules", "tsx")), "tsx installed").toBe(false);
    // The bundled library, but not what runs the repository's own code: scenarios/external/ (the
    // examples/ connector), scenarios/external-connector.mjs and the chaos scenarios that run it.
    expect(existsSync(join(installed, "scenarios", "smoke"))).toBe(true);
    expect(existsSync(join(installed, "scenarios", "external"))).toBe(false);
    expect(existsSync(join(installed, "scenarios", "external-connector.mjs"))).toBe(false);
    expect(existsSync(join(installed, "scenarios", "chaos", "kill-resume-external.yaml"))).toBe(false);
    const resolved = await run(
      "node",
      ["-e", "console.log(import.meta.resolve('cgsim/schemas/scenario.schema.json'))", "--input-type=module"],
      { cwd: consumer },
    );
    expect(resolved.stdout.trim()).toMatch(/node_modules\/cgsim\/schemas\/scenario\.schema\.json$/);
  });

  it("cgsim init scaffolds the project and the public types check (tsc --noEmit)", async () => {
    const init = await run("npx", ["cgsim", "init"], { cwd: consumer });
    expect(init.stderr).toContain("created scenarios/restricted-child-page.yaml");
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          types: ["node"],
          skipLibCheck: true,
        },
        include: ["test", "embed.ts"],
      }),
    );
    // The embedding API, typed: a wrong argument must be a type error, so the types are not `any`.
    writeFileSync(
      join(consumer, "embed.ts"),
      [
        'import { type LoadedScenario, loadScenarioFile, type RunningServer, serveWorld, type World } from "cgsim";',
        'const world: World = serveWorld({ site: "contoso" });',
        "const server: Promise<RunningServer> = world.listen({ https: true });",
        'const scenario: LoadedScenario = loadScenarioFile("scenarios/deletion.yaml");',
        "// @ts-expect-error a site is a path or a bundled fixture's name",
        "serveWorld({ site: 42 });",
        "export { scenario, server };",
        "",
      ].join("\n"),
    );
    await run("npx", ["tsc", "--noEmit", "-p", "."], { cwd: consumer });
  });
});

describe.each([
  {
    node: "this Node",
    major: process.versions.node.split(".")[0],
    nodeDir: async () => dirname(process.execPath),
  },
  {
    node: "Node 22",
    major: "22",
    nodeDir: async () => {
      const found = await run("npx", ["-y", "node@22", "-p", "process.execPath"], { cwd: consumer });
      return dirname(found.stdout.trim());
    },
  },
])("the consumer's commands on $node", ({ major, nodeDir }) => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    env = consumerEnv(await nodeDir());
  }, SLOW);

  it("run on that Node (first on PATH, where npx's scripts find it)", async () => {
    const version = await run("node", ["--version"], { cwd: consumer, env });
    expect(version.stdout.trim()).toMatch(new RegExp(`^v${major}\\.`));
  });

  it(
    "npx cgsim run scenarios/ passes the scaffolded scenarios",
    async () => {
      expect(existsSync(join(consumer, "scenarios")), "cgsim init ran").toBe(true);
      const result = await run("npx", ["cgsim", "run", "scenarios/"], { cwd: consumer, env });
      expect(result.stdout + result.stderr).toContain("4 passed, 0 failed");
    },
    SLOW,
  );

  it(
    "npm run cgsim:test runs them through vitest and assertScenario",
    async () => {
      const result = await run("npm", ["run", "cgsim:test"], { cwd: consumer, env });
      expect(result.stdout + result.stderr).toMatch(/Tests\s+4 passed/);
    },
    SLOW,
  );

  it(
    "npx cgsim serve --https answers a request with its own CA",
    async () => {
      const child = spawn("npx", ["cgsim", "serve", "--https", "--port", "0"], {
        cwd: consumer,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group: npx does not pass SIGTERM on to cgsim, so the test signals the group.
        detached: true,
      });
      const done = finished(child);
      try {
        const endpoints = JSON.parse(await firstLine(child)) as Endpoints;
        expect(endpoints.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const ca = readFileSync(endpoints.caFile ?? "", "utf8");
        const get = (url: string) =>
          new Promise<number | undefined>((resolve, reject) =>
            request(url, { ca }, (res) => {
              res.resume();
              resolve(res.statusCode);
            })
              .on("error", reject)
              .end(),
          );
        expect(await get(`${endpoints.url}/_sim/state`)).toBe(200);
        // The inspector's page is a file copied into dist/ beside the compiled code.
        expect(await get(`${endpoints.url}/_sim/ui/`)).toBe(200);
      } finally {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      }
      expect((await done).stderr).toContain("stopped (SIGTERM)");
    },
    SLOW,
  );
});
