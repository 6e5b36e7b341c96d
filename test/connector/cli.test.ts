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
    expect(e2.text()).toMatch(/stopped with 1002 during setup; so far 0 discovered/);
    expect(e2.text()).not.toMatch(/at .*\.ts:\d+/);
  });

  /** Runs the command once on `world` with a fresh state file and captures its output. */
  async function crawlCommand(
    world: ReturnType<typeof makeWorld>,
    options: { json?: boolean; retry?: object },
  ) {
    const dir = await mkdtemp(join(tmpdir(), "cgsim-cli-"));
    const file = join(dir, "connector.yaml");
    const config = configFor(world, options.retry ? { retry: options.retry as never } : {});
    await writeFile(file, stringify({ ...config, statePath: join(dir, "state.json") }));
    const out = capture();
    const err = capture();
    const code = await runCrawlCommand({
      config: file,
      mode: "full",
      json: options.json,
      runtime: {
        fetch: world.fetch,
        now: () => world.clock.now(),
        sleep: world.clock.sleep,
        random: seeded(1),
      },
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  }

  it("a crawl that gives up on persistent throttling (1001) while listing prints its partial summary and where it stopped", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const pub = world.confluence.store.spaceByKey("PUB")!.id;
    world.host.faults.set({
      rules: [{ path: `/wiki/api/v2/spaces/${pub}/pages`, status: 429, retryAfter: 5 }],
    });
    const { code, out, err } = await crawlCommand(world, {
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    expect(code).toBe(1);
    expect(out).toMatch(/full crawl incomplete/);
    expect(out).toMatch(/items: 11 discovered, 11 indexed/); // ENG and HR, crawled before PUB
    expect(out).toMatch(/retries 2, throttled 2/); // three 429s: two retried, then it gives up
    expect(err).toMatch(/crawl failed: \[1001\] The data source is throttling the connector/);
    expect(err).toContain(
      "stopped with 1001 while listing (space PUB); so far 11 discovered, 11 indexed, 0 unchanged, 0 failed, 0 deleted",
    );
    expect(err).toContain("nothing was deleted: deletions only follow a complete listing");
  });

  it("a crawl whose listing keeps failing prints its partial report as JSON, with where it stopped", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const pub = world.confluence.store.spaceByKey("PUB")!.id;
    world.host.faults.set({ rules: [{ path: `/wiki/api/v2/spaces/${pub}/pages`, status: 500 }] });
    const { code, out, err } = await crawlCommand(world, {
      json: true,
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      mode: "full",
      complete: false,
      fatal: { code: 5000, phase: "listing", space: "PUB" },
      counts: { discovered: 11, indexed: 11, deleted: 0 },
    });
    expect(err).toMatch(/stopped with 5000 while listing \(space PUB\)/);
  });
});
