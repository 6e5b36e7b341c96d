import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../src/connector/state.ts";
import { World } from "../../src/simulators/world.ts";
import { DIRECTORY, SITE, UPNS } from "./fixture.ts";
import {
  accessMatrix,
  CONNECTION,
  configFor,
  connectorFor,
  groupsOf,
  indexOf,
  makeWorld,
} from "./harness.ts";

describe("edge cases against the twins", () => {
  it("Graph ingestion throttling: every throttled request is retried no sooner than its Retry-After", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    world.graph.ingestionItemsPerSecond = 2;
    const report = await connectorFor(world, configFor(world)).fullCrawl();
    expect(Object.keys(indexOf(world)).length).toBe(13);
    expect(report.throttled.graph).toBeGreaterThan(0);
    // Per request: the retry of a throttled PUT comes at least Retry-After later (journal, SimClock).
    const entries = world.host.journal
      .entries()
      .filter((e) => e.method === "PUT" && e.path.includes("/items/"));
    let checked = 0;
    entries.forEach((e, i) => {
      if (e.status !== 429) return;
      const retry = entries.slice(i + 1).find((n) => n.path === e.path);
      expect(retry).toBeDefined();
      expect(Date.parse(retry!.at) - Date.parse(e.at)).toBeGreaterThanOrEqual((e.retryAfter ?? 0) * 1000);
      checked++;
    });
    expect(checked).toBeGreaterThan(0);
    // The twin's own record judges each throttled request when it comes back: all honoured
    // (first attempts that were in flight when another request got its 429 are not retries).
    expect(world.graph.retryDiscipline.length).toBe(checked);
    expect(world.graph.retryDiscipline.filter((r) => !r.honoured)).toEqual([]);
  });

  it("connection quota: items over the limit fail with 1009, the rest is indexed and the crawl completes", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    world.graph.setQuota({ perConnection: 10 });
    const report = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(report.complete).toBe(true);
    expect(Object.keys(indexOf(world)).length).toBe(10);
    expect(report.counts.failed).toBe(3);
    expect(report.errors.map((e) => e.code)).toEqual([1009, 1009, 1009]);
    // Failed items are retried by the next full crawl once there is room, and never deleted meanwhile.
    world.graph.setQuota({ perConnection: 100 });
    const again = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(again.counts.indexed).toBe(3);
    expect(Object.keys(indexOf(world)).length).toBe(13);
  });

  it("limitExceeded: the next crawl leaves the schema alone, applies updates and deletes, reports 1009 for new items (S34)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    world.graph.setQuota({ perConnection: 10 });
    await connectorFor(world, configFor(world), state).fullCrawl();
    const conn = world.graph.connection(CONNECTION)!;
    expect(world.graph.stateOf(conn)).toBe("limitExceeded");
    const indexed = Object.keys(indexOf(world));
    const { store } = world.confluence;
    const edited = indexed.find((id) => store.requireContent(id).type === "page")!;
    const trashed = indexed.find((id) => id !== edited && store.requireContent(id).type === "page")!;
    store.updateContent(edited, { title: "Edited while the connection is full" });
    store.setStatus(trashed, "trashed");
    const created = store.addContent({
      type: "page",
      spaceId: store.requireContent(edited).spaceId,
      title: "Brand new page",
    });
    world.clock.advance(3_600_000);
    const since = world.host.journal.nextSeq();
    const report = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(report.fatal).toBeUndefined();
    expect(report.complete).toBe(true);
    // The three pages refused by the first crawl and the new one: all refused again with 1009.
    expect(report.errors.map((e) => e.code)).toEqual([1009, 1009, 1009, 1009]);
    expect(indexOf(world)[edited].properties.title).toBe("Edited while the connection is full");
    expect(indexOf(world)[trashed]).toBeUndefined();
    expect(indexOf(world)[created.id]).toBeUndefined();
    // The delete brought the connection under its limit.
    expect(world.graph.stateOf(conn)).toBe("ready");
    // A new process (no saved schema hash) on a full connection: still no schema write.
    world.graph.setQuota({ perConnection: 9 });
    expect(world.graph.stateOf(conn)).toBe("limitExceeded");
    const fresh = await connectorFor(world, configFor(world), new MemoryStateStore()).fullCrawl();
    expect(fresh.fatal).toBeUndefined();
    expect(fresh.errors.map((e) => e.code)).toEqual([1009, 1009, 1009, 1009]);
    const schemaWrites = world.host.journal
      .entries({ sinceSeq: since })
      .filter((e) => e.path.endsWith("/schema") && e.method !== "GET");
    expect(schemaWrites).toEqual([]);
  });

  it("anonymous space on a site without anonymous access: nobody unless a group grants it (policy confluence); everyone (documented)", async () => {
    const site = { ...SITE, site: { ...SITE.site, anonymousAccess: false } };
    const world = makeWorld(site, DIRECTORY);
    await connectorFor(world, configFor(world)).fullCrawl();
    // PUB also grants confluence-users, so members still see the handbook; anonymous adds no one.
    const truthWorld = accessMatrix(world, UPNS)["3001"];
    expect(truthWorld).not.toEqual([]);
    const acl = world.graph.connection(CONNECTION)!.items.get("3001")!.acl;
    expect(acl.some((e) => e.type === "everyone")).toBe(false);

    const documented = makeWorld(site, DIRECTORY);
    await connectorFor(
      documented,
      configFor(documented, { permissions: { policy: "documented" } }),
    ).fullCrawl();
    const docAcl = documented.graph.connection(CONNECTION)!.items.get("3001")!.acl;
    expect(docAcl).toEqual([expect.objectContaining({ type: "everyone", accessType: "grant" })]);
  });

  it("non-AAD mapping: regex + {n} formula maps matching users only (S19)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(
      world,
      configFor(world, {
        identity: {
          source: "nonAad",
          property: "email",
          pattern: "^(\\w)\\w*\\.(\\w+)@fabrikam\\.com$",
          formula: "{0}{1}@contoso.com",
        },
      }),
    ).fullCrawl();
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["2003"]).toEqual(["dsmith@contoso.com"]); // dave.smith@fabrikam.com → dsmith@contoso.com
    expect(matrix["1001"]).toEqual([]); // alice's email does not match the regex: fail closed
    expect(report.unmappedIdentities.find((u) => u.displayName === "Alice")?.reason).toBe("no-match");
  });

  it("the contoso catalog fixture crawls end to end", async () => {
    const { loadDirectoryFile, loadSiteFile, DEFAULT_DIRECTORY_FILE, DEFAULT_SITE_FILE } = await import(
      "../../src/fixture-formats/load.ts"
    );
    const directory = loadDirectoryFile(DEFAULT_DIRECTORY_FILE);
    const world = new World({ site: loadSiteFile(DEFAULT_SITE_FILE), directory });
    const app = directory.apps![0];
    const report = await connectorFor(world, {
      ...configFor(world),
      confluence: {
        siteUrl: "https://contoso.atlassian.net",
        auth: { type: "basic", email: "svc-crawler@contoso.com", apiToken: "crawler-token" },
      },
      graph: {
        tenantId: world.directory.tenantId,
        clientId: app.clientId,
        clientSecret: app.secret,
        connection: { id: CONNECTION, name: "Contoso" },
      },
    }).fullCrawl();
    expect(report).toMatchObject({ complete: true });
    const ids = Object.keys(indexOf(world));
    expect(ids).not.toContain("1010"); // archived (S25)
    expect(ids).toContain("1100"); // blog post
  });
});

describe("huge groups (S22)", () => {
  it("an external group over Graph's member limit is written empty with 2008, never truncated", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(world, configFor(world), new MemoryStateStore(), world.fetch, {
      maxGroupMembers: 1,
    }).fullCrawl();
    const errors = report.errors.filter((e) => e.code === 2008);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.message.includes("Confluence group eng"))).toBe(true);
    const matrix = accessMatrix(world, UPNS);
    // eng (alice, bob, carol) is too big: the unrestricted ENG page is granted to nobody through it.
    expect(matrix["1002"]).toEqual([]);
  });
});

describe("connection setup", () => {
  it("a failed schema operation fails the crawl with its message; the next run registers it again", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const { APP } = await import("./harness.ts");
    world.graph.createConnection(APP.clientId, { id: CONNECTION, name: "Confluence test" });
    world.graph.failNextSchemaOperation(CONNECTION, "Server error, something went wrong");
    const state = new MemoryStateStore();
    const failed = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(failed.fatal?.message).toMatch(/schema registration failed: Server error, something went wrong/);
    expect(failed.fatal?.phase).toBe("setup");
    expect(Object.keys(indexOf(world))).toEqual([]);
    const report = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(report.complete).toBe(true);
    expect(Object.keys(indexOf(world)).length).toBe(13);
  });

  it("a Graph 401 mid-crawl gets one fresh token and carries on", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    let rejected = false;
    const once: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!rejected && request.method === "PUT" && request.url.includes("/items/")) {
        rejected = true;
        return new Response(
          JSON.stringify({ error: { code: "InvalidAuthenticationToken", message: "Token expired" } }),
          {
            status: 401,
            headers: { "content-type": "application/json" },
          },
        );
      }
      return world.fetch(request);
    };
    const report = await connectorFor(world, configFor(world), new MemoryStateStore(), once).fullCrawl();
    expect(rejected).toBe(true);
    expect(report.calls.login).toBe(2);
    expect(Object.keys(indexOf(world)).length).toBe(13);
  });

  it("an obsolete connection stops with 2010 and leaves the index alone", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    const before = indexOf(world);
    world.graph.makeObsolete(CONNECTION);
    const failed = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(failed.fatal).toMatchObject({ code: 2010, phase: "setup" });
    expect(failed.complete).toBe(false);
    expect(indexOf(world)).toEqual(before);
  });
});

describe("JSON batching (graph.batchSize)", () => {
  it("batched writes give the same index and groups in far fewer Graph calls, also under 20% faults", async () => {
    const plain = makeWorld(SITE, DIRECTORY);
    const plainReport = await connectorFor(plain, configFor(plain)).fullCrawl();

    const batched = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(
      batched,
      configFor(batched, { graph: { batchSize: 20 } as never }),
    ).fullCrawl();
    expect(indexOf(batched)).toEqual(indexOf(plain));
    expect(groupsOf(batched)).toEqual(groupsOf(plain));
    expect(report.calls.graph).toBeLessThan(plainReport.calls.graph);

    const faulty = makeWorld(SITE, DIRECTORY);
    faulty.host.faults.set({
      seed: 9,
      rules: [
        { status: 429, retryAfter: 5, probability: 0.1 },
        { status: 503, probability: 0.111 },
      ],
    });
    await connectorFor(faulty, configFor(faulty, { graph: { batchSize: 20 } as never })).fullCrawl();
    expect(indexOf(faulty)).toEqual(indexOf(plain));
    expect(groupsOf(faulty)).toEqual(groupsOf(plain));
  });

  it("answers cut short are read again (Confluence) or settle on their status (Graph writes)", async () => {
    const plain = makeWorld(SITE, DIRECTORY);
    await connectorFor(plain, configFor(plain)).fullCrawl();
    const world = makeWorld(SITE, DIRECTORY);
    world.host.faults.set({ seed: 4, rules: [{ truncate: true, probability: 0.3 }] });
    const report = await connectorFor(world, configFor(world)).fullCrawl();
    const cut = world.host.journal.entries().filter((e) => e.fault?.includes("truncate"));
    expect(cut.some((e) => e.service === "confluence" && e.method === "GET")).toBe(true);
    expect(cut.some((e) => e.service === "graph")).toBe(true);
    expect(report.errors).toEqual([]);
    expect(indexOf(world)).toEqual(indexOf(plain));
    expect(groupsOf(world)).toEqual(groupsOf(plain));
  });

  it("a throttled request inside a batch is sent again after its Retry-After", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    world.graph.ingestionItemsPerSecond = 3;
    const report = await connectorFor(
      world,
      configFor(world, { graph: { batchSize: 20 } as never }),
    ).fullCrawl();
    expect(Object.keys(indexOf(world)).length).toBe(13);
    expect(report.errors).toEqual([]);
    expect(report.throttled.graph).toBeGreaterThan(0);
    // Sub-requests are journaled on their own; each throttled one came back after its Retry-After.
    const inner = world.host.journal.entries().filter((e) => e.batch !== undefined);
    expect(inner.some((e) => e.status === 429 && e.retryAfter !== undefined)).toBe(true);
    expect(world.graph.retryDiscipline.length).toBeGreaterThan(0);
    expect(world.graph.retryDiscipline.filter((r) => !r.honoured)).toEqual([]);
  });
});
