import { afterEach, describe, expect, it } from "vitest";
import type { SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { DIRECTORY, SITE, UPNS } from "./fixture.ts";
import { accessMatrix, CONNECTION, configFor, connectorFor, indexOf, makeWorld } from "./harness.ts";

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

describe("over real sockets", () => {
  it("crawls through Node's own fetch against the twins served over http on 127.0.0.1", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    worlds.push(world);
    const server = await world.listen();
    const base = server.url.replace(/\/$/, "");
    const config = configFor(world, {
      confluence: { siteUrl: `${base}/wiki` } as never,
      graph: { baseUrl: base, loginUrl: base } as never,
    });
    const report = await connectorFor(world, config, undefined, globalThis.fetch).fullCrawl();
    expect(report.complete).toBe(true);
    expect(Object.keys(indexOf(world)).length).toBe(13);
    expect(indexOf(world)["1002"].properties.url).toBe(`${base}/wiki/spaces/ENG/pages/1002/Roadmap`);
    expect(accessMatrix(world, UPNS)["2001"]).toEqual(["alice@contoso.com"]);
    expect(world.graph.connection(CONNECTION)).toBeDefined();
  });
});

describe("with the real hostnames (msw intercepting Node's fetch)", () => {
  it("runs with the default endpoints — graph.microsoft.com, login.microsoftonline.com, <site>.atlassian.net", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    worlds.push(world);
    world.intercept();
    const config = configFor(world); // no base URL overrides: production defaults
    const report = await connectorFor(world, config, undefined, globalThis.fetch).fullCrawl();
    expect(report.complete).toBe(true);
    expect(Object.keys(indexOf(world)).length).toBe(13);
    const hosts = new Set(world.host.journal.entries().map((e) => e.host));
    expect([...hosts].sort()).toEqual([
      "acme.atlassian.net",
      "graph.microsoft.com",
      "login.microsoftonline.com",
    ]);
  });
});

describe("large restrictions", () => {
  it("pages through a read restriction with more principals than one answer holds", async () => {
    const names = Array.from({ length: 230 }, (_, i) => `user${i}`);
    const site: SiteSpec = {
      site: { name: "acme" },
      users: [
        { name: "svc", email: "svc@acme.com", apiToken: "token-svc", admin: true },
        ...names.map((n) => ({ name: n, email: `${n}@contoso.com` })),
      ],
      groups: [{ name: "crawlers", members: ["svc"] }],
      spaces: [
        {
          key: "BIG",
          view: ["group:confluence-users"],
          pages: [
            { id: "9000", title: "Everyone named", read: [...names.map((n) => `user:${n}`), "user:svc"] },
          ],
        },
      ],
    };
    const world = makeWorld(site, {
      tenant: "contoso.com",
      users: names.map((n) => ({ upn: `${n}@contoso.com` })),
    });
    await connectorFor(world, configFor(world)).fullCrawl();
    // Space (confluence-users) ∩ restriction → one signature group holding all 230 mapped users.
    const conn = world.graph.connection(CONNECTION)!;
    const [entry] = conn.items.get("9000")!.acl;
    expect(entry.type).toBe("externalGroup");
    const calls = world.host.journal.entries().filter((e) => e.operationId === "getRestrictionsForOperation");
    // The bulk listing's 100-user block is recognised as cut, so the item's restriction is paged.
    expect(calls.some((e) => e.url.includes("start=100"))).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(4);
    // The twin pages users with start/limit like Confluence: every one of the 230 is mapped.
    expect(conn.groups.get(entry.value)!.members.size).toBe(230);
    expect(calls.some((e) => e.url.includes("start=200"))).toBe(true);
    for (const n of [0, 99, 100, 229])
      expect(world.graph.canAccess(`user${n}@contoso.com`, CONNECTION, "9000")).toBe(true);
  });
});
