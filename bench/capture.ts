/**
 * `cgsim capture confluence` of a generated 10k-page site served over http (the Confluence twin
 * on 127.0.0.1), anonymised, as a customer's admin would run it. Target (issue 16): ≤ 30 s wall.
 * `--pages N --spaces N`. The server and the capture share this process (and the machine's cores).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { captureConfluenceCommand } from "../src/capture/commands.ts";
import { generateFixtures, generatorSpecSchema } from "../src/fixture-formats/generator.ts";
import { toSiteFixture } from "../src/fixture-formats/site-schema.ts";
import { World } from "../src/simulators/world.ts";
import { arg, writeResult } from "./support.ts";

const pages = Number(arg("pages", "10000"));
const spaces = Number(arg("spaces", "50"));

const spec = generatorSpecSchema.parse({
  seed: 16,
  users: 300,
  groups: 20,
  spaces,
  pagesPerSpace: Math.ceil(pages / spaces),
  blogpostsPerSpace: 0,
  treeDepth: 6,
  shares: {
    restrictedPages: 0.1,
    crawlerInRestrictions: 1,
    anonymousSpaces: 0.1,
    hiddenEmails: 0.1,
    guests: 0.05,
  },
  bodies: { medianBytes: 800, largeShare: 0, largeBytes: 800 },
  labels: { vocabulary: 40, maxPerPage: 3 },
});
const buildStart = performance.now();
const generated = generateFixtures(spec);
const world = new World({ site: toSiteFixture(generated.site), directory: generated.directory });
const siteBuildMs = Math.round(performance.now() - buildStart);
const server = await world.listen();
const crawler = [...world.confluence.store.users.values()].find((u) => u.admin && u.active)!;
const dir = mkdtempSync(join(tmpdir(), "cgsim-bench-capture-"));
const load = loadavg()[0];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await captureConfluenceCommand({
  site: server.url,
  out: join(dir, "capture"),
  anonymise: true,
  auth: { type: "basic", email: crawler.email, apiToken: crawler.apiTokens[0] },
});
const wallSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await world.close();
rmSync(dir, { recursive: true, force: true });

const counts = result.manifest.confluence?.counts;
writeResult("capture", {
  description: `capture confluence (anonymised) of a generated site over http: ${pages} pages, ${spaces} spaces, 10 % restricted`,
  siteBuildMs,
  wallSeconds: Number(wallSeconds.toFixed(2)),
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  loadAverageBefore: Number(load.toFixed(2)),
  loadAverageAfter: Number(loadavg()[0].toFixed(2)),
  peakRssMB: Math.round(process.memoryUsage().rss / 1024 / 1024),
  captured: counts,
  requests: result.requests,
  requestsPerPage: Number((result.requests / Math.max(1, counts?.pages ?? 1)).toFixed(3)),
  target: { wallSeconds: 30 },
  met: wallSeconds <= 30,
});
