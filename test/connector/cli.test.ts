/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the config syntax under test is ${NAME} */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCrawlCommand } from "../../src/connector/cli.ts";
import { DIRECTORY, SITE } from "./fixture.ts";
import { configFor, indexOf, makeWorld, seeded } from "./harness.ts";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d) => {
    text += String(d);
  });
  return { stream, text: () => text };
}

describe("cgsim crawl (runCrawlCommand)", () => {
  it("runs a full then an incremental crawl from a YAML file with ${ENV} secrets, with a progress bar", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const dir = await mkdtemp(join(tmpdir(), "cgsim-cli-"));
    const config = configFor(world) as Record<string, unknown> & { graph: Record<string, unknown> };
    config.graph.clientSecret = "${GRAPH_SECRET}";
    config.statePath = join(dir, "state.json");
    const file = join(dir, "connector.yaml");
    await writeFile(file, stringify(config));
    const runtime = {
      fetch: world.fetch,
      now: () => world.clock.now(),
      sleep: world.clock.sleep,
      random: seeded(1),
    };
    const out = capture();
    const err = capture();
    const env = { GRAPH_SECRET: (configFor(world).graph as { clientSecret: string }).clientSecret };
    const code = await runCrawlCommand({
      config: file,
      mode: "full",
      env,
      runtime,
      stdout: out.stream,
      stderr: err.stream,
      progress: true,
    });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/full crawl complete/);
    expect(out.text()).toMatch(/13 discovered, 13 indexed/);
    expect(out.text()).toMatch(/unmapped identities \(2006\)/);
    expect(out.text()).toMatch(/time \(ms\): setup \d+, listing \d+/);
    expect(err.text()).toMatch(/crawl \[/);
    expect(Object.keys(indexOf(world)).length).toBe(13);

    const json = capture();
    const again = await runCrawlCommand({
      config: file,
      mode: "incremental",
      env,
      runtime,
      stdout: json.stream,
      stderr: err.stream,
      json: true,
    });
    expect(again).toBe(0);
    expect(JSON.parse(json.text())).toMatchObject({ mode: "incremental", complete: true });
  });

  it("bad configuration: exit 2 with one line per field; crawl failure: exit 1 without a stack", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cgsim-cli-"));
    const file = join(dir, "bad.yaml");
    await writeFile(file, "confluence: { siteUrl: nope }\n");
    const err = capture();
    expect(
      await runCrawlCommand({ config: file, mode: "full", stderr: err.stream, stdout: capture().stream }),
    ).toBe(2);
    expect(err.text()).toMatch(/confluence\.siteUrl:/);
    expect(err.text()).toMatch(/graph: /);

    const world = makeWorld(SITE, DIRECTORY);
    const config = configFor(world, {
      confluence: { auth: { type: "basic", email: "svc@acme.com", apiToken: "wrong" } } as never,
    });
    const good = join(dir, "good.yaml");
    await writeFile(good, stringify({ ...config, statePath: join(dir, "s.json") }));
    const e2 = capture();
    const runtime = {
      fetch: world.fetch,
      now: () => world.clock.now(),
      sleep: world.clock.sleep,
      random: seeded(1),
    };
    const code = await runCrawlCommand({
      config: good,
      mode: "full",
      runtime,
      stderr: e2.stream,
      stdout: capture().stream,
    });
    expect(code).toBe(1);
    expect(e2.text()).toMatch(/crawl failed: \[1002\]/);
    expect(e2.text()).not.toMatch(/at .*\.ts:\d+/);
  });
});
