import { type ConnectorConfigInput, parseConfig } from "../../src/connector/config.ts";
import { Connector } from "../../src/connector/connector.ts";
import type { CrawlReport } from "../../src/connector/report.ts";
import { MemoryStateStore, type StateStore } from "../../src/connector/state.ts";
import type { DirectoryFile } from "../../src/fixture-formats/directory-schema.ts";
import type { SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { testWorld } from "../support/world.ts";

export const APP = { clientId: "6a1c3f0e-0b1d-4c1e-9f0a-000000c0ffee", secret: "connector-secret" };
export const CONNECTION = "confluencetest";

export function makeWorld(site: SiteSpec, directory: DirectoryFile): World {
  return testWorld({
    site,
    directory: {
      ...directory,
      apps: [
        {
          clientId: APP.clientId,
          secret: APP.secret,
          roles: ["ExternalConnection.ReadWrite.OwnedBy", "ExternalItem.ReadWrite.OwnedBy", "User.Read.All"],
        },
      ],
    },
    graph: { schemaProvisioningMs: 30_000 },
  });
}

export function configFor(world: World, overrides: Partial<ConnectorConfigInput> = {}): ConnectorConfigInput {
  const site = world.confluence.store.site;
  return {
    confluence: {
      siteUrl: `${site.baseUrl}/wiki`,
      auth: { type: "basic", email: "svc@acme.com", apiToken: "token-svc" },
      ...overrides.confluence,
    },
    graph: {
      tenantId: world.directory.tenantId,
      clientId: APP.clientId,
      clientSecret: APP.secret,
      connection: { id: CONNECTION, name: "Confluence test" },
      ...overrides.graph,
    },
    retry: { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 30_000 },
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => k !== "confluence" && k !== "graph")),
  };
}

/** A seeded [0,1) generator for jitter. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function connectorFor(
  world: World,
  config: ConnectorConfigInput,
  state: StateStore = new MemoryStateStore(),
  fetchImpl: typeof fetch = world.fetch,
  extra: Partial<ConstructorParameters<typeof Connector>[0]> = {},
): Connector {
  return new Connector({
    ...extra,
    config: parseConfig(config),
    runtime: { fetch: fetchImpl, now: () => world.clock.now(), sleep: world.clock.sleep, random: seeded(7) },
    state,
    checkpointEvery: 1, // every space, so resume tests skip finished spaces
  });
}

/** The index as the Graph twin holds it: item id → {acl, properties, content}. */
export function indexOf(world: World) {
  const conn = world.graph.connection(CONNECTION);
  if (!conn) return {};
  return Object.fromEntries(
    [...conn.items.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, item]) => [id, { acl: item.acl, properties: item.properties, content: item.content }]),
  );
}

export function groupsOf(world: World) {
  const conn = world.graph.connection(CONNECTION);
  if (!conn) return {};
  return Object.fromEntries(
    [...conn.groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, g]) => [id, [...g.members.keys()].sort()]),
  );
}

/** Who (by UPN) can find each item, according to the Graph twin's ACL evaluation. */
export function accessMatrix(world: World, upns: string[]): Record<string, string[]> {
  const conn = world.graph.connection(CONNECTION);
  const out: Record<string, string[]> = {};
  for (const id of [...(conn?.items.keys() ?? [])].sort()) {
    out[id] = upns.filter((u) => world.graph.canAccess(u, CONNECTION, id));
  }
  return out;
}

export type { CrawlReport };
