/**
 * Full crawl of a generated site (default 10k pages, 10 % restricted, 50 spaces) by the real
 * connector over the direct transport. Targets (issue 5): ≤ 5 s wall, ≤ 500 MB RSS,
 * ≤ 0.1 Confluence calls per item. `--pages N --spaces N --restricted 0.1`.
 */

import { parseConfig } from "../src/connector/config.ts";
import { Connector } from "../src/connector/connector.ts";
import { MemoryStateStore } from "../src/connector/state.ts";
import type { PageSpec, SiteSpec } from "../src/simulators/confluence/seed.ts";
import { World } from "../src/simulators/world.ts";
import { arg, writeResult } from "./support.ts";

const pages = Number(arg("pages", "10000"));
const spaceCount = Number(arg("spaces", "50"));
const restrictedShare = Number(arg("restricted", "0.1"));
/** Graph JSON batch size (1 = every write on its own, the default connector setting). */
const batchSize = Number(arg("batch", "1"));
const userCount = 200;
const groupCount = 20;

let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

const users = Array.from({ length: userCount }, (_, i) => `user${i}`);
const groups = Array.from({ length: groupCount }, (_, g) => ({
  name: `team${g}`,
  members: users.filter(() => rand() < 0.1),
}));

function site(): SiteSpec {
  const perSpace = Math.ceil(pages / spaceCount);
  let id = 100_000;
  return {
    site: { name: "bench" },
    users: [
      { name: "svc", email: "svc@bench.example", apiToken: "token-svc", admin: true },
      ...users.map((u) => ({ name: u, email: `${u}@contoso.com` })),
    ],
    groups: [...groups, { name: "crawlers", members: ["svc"] }],
    spaces: Array.from({ length: spaceCount }, (_, s) => {
      const roots: PageSpec[] = [];
      const all: PageSpec[] = [];
      for (let p = 0; p < perSpace && id < 100_000 + pages; p++) {
        const page: PageSpec = {
          id: String(id++),
          title: `Page ${id} of space ${s}`,
          body: `<p>${"Lorem ipsum dolor sit amet. ".repeat(20)}</p>`,
          labels: rand() < 0.3 ? [pick(["howto", "design", "runbook", "meeting"])] : undefined,
        };
        if (rand() < restrictedShare)
          page.read = [`group:${pick(groups).name}`, `user:${pick(users)}`, "group:crawlers"];
        const parent = all.length > 0 && rand() < 0.6 ? pick(all) : undefined;
        if (parent) {
          parent.children ??= [];
          parent.children.push(page);
        } else roots.push(page);
        all.push(page);
      }
      return {
        key: `S${s}`,
        name: `Space ${s}`,
        view: [
          `group:${groups[s % groupCount].name}`,
          `group:${groups[(s + 7) % groupCount].name}`,
          "group:crawlers",
        ],
        pages: roots,
      };
    }),
  };
}

const APP = { clientId: "6a1c3f0e-0b1d-4c1e-9f0a-000000c0ffee", secret: "connector-secret" };
const buildStart = performance.now();
const world = new World({
  site: { spec: site(), options: {} },
  directory: {
    tenant: "contoso.com",
    users: users.map((u) => ({ upn: `${u}@contoso.com` })),
    apps: [
      {
        clientId: APP.clientId,
        secret: APP.secret,
        roles: ["ExternalConnection.ReadWrite.OwnedBy", "ExternalItem.ReadWrite.OwnedBy", "User.Read.All"],
      },
    ],
  },
});
const buildMs = performance.now() - buildStart;

const connector = new Connector({
  config: parseConfig({
    confluence: {
      siteUrl: "https://bench.atlassian.net",
      auth: { type: "basic", email: "svc@bench.example", apiToken: "token-svc" },
    },
    graph: {
      tenantId: world.directory.tenantId,
      clientId: APP.clientId,
      clientSecret: APP.secret,
      connection: { id: "benchconfluence", name: "Bench" },
      batchSize,
    },
    concurrency: { confluence: 8, graph: 16 },
  }),
  runtime: { fetch: world.fetch, now: () => world.clock.now(), sleep: world.clock.sleep, random: rand },
  state: new MemoryStateStore(),
});

const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await connector.fullCrawl();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const items = report.counts.discovered;
const result = {
  description: `full crawl, ${pages} pages, ${Math.round(restrictedShare * 100)} % restricted, ${spaceCount} spaces, direct transport, Graph batch size ${batchSize}`,
  siteBuildMs: Math.round(buildMs),
  wallSeconds: Math.round(wallMs) / 1000,
  // CPU time of the crawl (connector and twins share the process): stable when the machine is busy.
  cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
  loadAverage: (await import("node:os")).loadavg()[0],
  peakRssMB: Math.round(peakRss / 1e6),
  items,
  indexed: report.counts.indexed,
  failed: report.counts.failed,
  externalGroups: report.counts.groupsWritten,
  calls: report.calls,
  confluenceCallsPerItem: Math.round((report.calls.confluence / items) * 1000) / 1000,
  graphCallsPerItem: Math.round((report.calls.graph / items) * 1000) / 1000,
  target: { wallSeconds: 5, peakRssMB: 500, confluenceCallsPerItem: 0.1 },
};
writeResult("connector-crawl", {
  ...result,
  met: result.wallSeconds <= 5 && result.peakRssMB <= 500 && result.confluenceCallsPerItem <= 0.1,
});

if (process.argv.includes("--ops")) {
  const ops = new Map<string, number>();
  for (const e of world.host.journal.entries())
    ops.set(`${e.service} ${e.operationId}`, (ops.get(`${e.service} ${e.operationId}`) ?? 0) + 1);
  console.log([...ops.entries()].sort((a, b) => b[1] - a[1]));
}
