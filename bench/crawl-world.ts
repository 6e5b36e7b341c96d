/**
 * The site, world and connector of the crawl benchmarks (connector-crawl.ts, memory.ts): a
 * generated site of `pages` pages over `spaces` spaces (20 groups, 200 users, `restricted` share
 * of pages with a read restriction, 60 % of pages under a parent, 30 % with a label), crawled by
 * the real connector over the direct transport.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseConfig } from "../src/connector/config.ts";
import { Connector, type ConnectorOptions } from "../src/connector/connector.ts";
import { MemoryStateStore } from "../src/connector/state.ts";
import type { PageSpec, SiteSpec } from "../src/simulators/confluence/seed.ts";
import { World } from "../src/simulators/world.ts";

export interface BenchSiteOptions {
  pages: number;
  spaces: number;
  restricted: number;
}

const USER_COUNT = 200;
const GROUP_COUNT = 20;
const APP = { clientId: "6a1c3f0e-0b1d-4c1e-9f0a-000000c0ffee", secret: "connector-secret" };

/** A seeded linear congruential generator: the same site and jitter on every run. */
export function lcg(seed = 12345): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const users = Array.from({ length: USER_COUNT }, (_, i) => `user${i}`);

export function benchSite({ pages, spaces, restricted }: BenchSiteOptions, rand = lcg()): SiteSpec {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const groups = Array.from({ length: GROUP_COUNT }, (_, g) => ({
    name: `team${g}`,
    members: users.filter(() => rand() < 0.1),
  }));
  const perSpace = Math.ceil(pages / spaces);
  let id = 100_000;
  return {
    site: { name: "bench" },
    users: [
      { name: "svc", email: "svc@bench.example", apiToken: "token-svc", admin: true },
      ...users.map((u) => ({ name: u, email: `${u}@contoso.com` })),
    ],
    groups: [...groups, { name: "crawlers", members: ["svc"] }],
    spaces: Array.from({ length: spaces }, (_, s) => {
      const roots: PageSpec[] = [];
      const all: PageSpec[] = [];
      for (let p = 0; p < perSpace && id < 100_000 + pages; p++) {
        const page: PageSpec = {
          id: String(id++),
          title: `Page ${id} of space ${s}`,
          body: `<p>${"Lorem ipsum dolor sit amet. ".repeat(20)}</p>`,
          labels: rand() < 0.3 ? [pick(["howto", "design", "runbook", "meeting"])] : undefined,
        };
        if (rand() < restricted)
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
          `group:${groups[s % GROUP_COUNT].name}`,
          `group:${groups[(s + 7) % GROUP_COUNT].name}`,
          "group:crawlers",
        ],
        pages: roots,
      };
    }),
  };
}

export function benchWorld(spec: SiteSpec): World {
  return new World({
    site: { spec, options: {} },
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
}

export const BENCH_CONNECTION = "benchconfluence";

/** The crawl account and the Graph app the connector signs in with. */
export interface BenchCredentials {
  siteUrl: string;
  email: string;
  apiToken: string;
  clientId: string;
  secret: string;
}

const BENCH_CREDENTIALS: BenchCredentials = {
  siteUrl: "https://bench.atlassian.net",
  email: "svc@bench.example",
  apiToken: "token-svc",
  ...APP,
};

/** The connector pointed at the world, with in-memory state, simulated clock and seeded jitter. */
export function benchConnector(
  world: World,
  options: {
    batchSize?: number;
    rand?: () => number;
    credentials?: BenchCredentials;
  } & Partial<ConnectorOptions> = {},
): Connector {
  const { batchSize = 1, rand = lcg(), credentials: c = BENCH_CREDENTIALS, ...rest } = options;
  return new Connector({
    config: parseConfig({
      confluence: {
        siteUrl: c.siteUrl,
        auth: { type: "basic", email: c.email, apiToken: c.apiToken },
      },
      graph: {
        tenantId: world.directory.tenantId,
        clientId: c.clientId,
        clientSecret: c.secret,
        connection: { id: BENCH_CONNECTION, name: "Bench" },
        batchSize,
      },
      concurrency: { confluence: 8, graph: 16 },
    }),
    runtime: { fetch: world.fetch, now: () => world.clock.now(), sleep: world.clock.sleep, random: rand },
    state: new MemoryStateStore(),
    ...rest,
  });
}

/**
 * The process's peak resident set size from here to `stop()`. On Linux the kernel's own high-water
 * mark (VmHWM), reset at the start: a crawl over the direct transport runs on promises alone, so a
 * timer that samples the RSS does not fire until the crawl has ended and would report the RSS at its
 * end. Elsewhere the RSS sampled every 50 ms (and at start and stop).
 */
export function rssSampler(): { stop: () => number } {
  const kernelPeak = resetPeakRss();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return kernelPeak ? Math.max(peak, readPeakRss() ?? 0) : peak;
    },
  };
}

/** Resets the kernel's RSS high-water mark to the current RSS (Linux `clear_refs` 5); false where it cannot. */
function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return readPeakRss() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM from /proc/self/status, in bytes. */
function readPeakRss(): number | undefined {
  try {
    const kb = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
