import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashOf } from "../../src/connector/items.ts";
import type { LedgerJson } from "../../src/connector/ledger.ts";
import { FileStateStore, MemoryStateStore } from "../../src/connector/state.ts";
import { accountIdFor } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { DIRECTORY, SITE, UPNS } from "./fixture.ts";
import { accessMatrix, configFor, connectorFor, groupsOf, indexOf, makeWorld } from "./harness.ts";

const HOUR = 3_600_000;

/**
 * The ledger of a crawl as versions 1 (`{c, a, s}`) and 2 (`{contentHash, aclHash, spaceId}`) wrote
 * it: their content hash is of the built item (properties + content), as indexed in Graph.
 */
function legacyItems(ledger: LedgerJson, version: 1 | 2, world: World): Record<string, unknown> {
  const index = indexOf(world) as Record<string, { properties: Record<string, unknown>; content: unknown }>;
  return Object.fromEntries(
    ledger.ids.map((id, i) => {
      const contentHash = hashOf({ properties: asSent(index[id].properties), content: index[id].content });
      const aclHash = ledger.acls[ledger.acl[i]];
      const spaceId = ledger.spaces[ledger.space[i]];
      return [
        id,
        version === 1 ? { c: contentHash, a: aclHash, s: spaceId } : { contentHash, aclHash, spaceId },
      ];
    }),
  );
}

/** Item properties as the connector sent them: with the `@odata.type` annotations Graph drops. */
function asSent(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (Array.isArray(value)) out[`${name}@odata.type`] = "Collection(String)";
    else if (typeof value === "string" && /[^\x20-\x7e]/.test(value)) out[`${name}@odata.type`] = "String";
    out[name] = value;
  }
  return out;
}

/** Confluence requests that asked for bodies. */
function bodyListings(world: World): number {
  return world.host.journal
    .entries()
    .filter((e) => /body-format=|expand=[^&]*body/.test(decodeURIComponent(e.url))).length;
}

function itemPuts(world: World): number {
  return world.host.journal
    .entries()
    .filter((e) => e.method === "PUT" && /\/items\//.test(e.path) && e.status === 200).length;
}

describe("deletions", () => {
  it("happen on a completed full crawl, never after a partial listing", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    const { store } = world.confluence;
    store.setStatus("1003", "trashed");
    store.setStatus("3001", "archived");

    // A listing that keeps failing: the crawl fails (no silent success) and deletes nothing.
    const pub = store.spaceByKey("PUB")!.id;
    world.host.faults.set({ rules: [{ path: `/wiki/api/v2/spaces/${pub}/pages`, status: 500 }] });
    const failed = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(failed.complete).toBe(false);
    expect(failed.fatal).toMatchObject({ code: 5000, phase: "listing", space: "PUB" });
    expect(failed.counts.deleted).toBe(0);
    expect(Object.keys(indexOf(world))).toContain("1003");
    expect(Object.keys(indexOf(world))).toContain("3001");

    world.host.faults.clear();
    const report = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(report.resumed).toBe(true);
    expect(report.counts.deleted).toBe(2);
    expect(Object.keys(indexOf(world))).not.toContain("1003");
    expect(Object.keys(indexOf(world))).not.toContain("3001");
  });

  it("revoked credentials fail the crawl with 1002 and keep the index (S31)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    const before = indexOf(world);
    world.confluence.store.updateUser(accountIdFor("svc"), { apiTokens: [] });
    const failed = await connectorFor(world, configFor(world), state).fullCrawl();
    // The credential probe fails first: nothing is listed, written or deleted.
    expect(failed.fatal).toMatchObject({ code: 1002, phase: "setup" });
    expect(failed.counts).toMatchObject({ discovered: 0, indexed: 0, deleted: 0 });
    expect(indexOf(world)).toEqual(before);
  });
});

describe("crawl reports", () => {
  it("count their own crawl's calls when one connector runs several", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const connector = connectorFor(world, configFor(world));
    const full = await connector.fullCrawl();
    const before = world.host.journal.entries().length;
    world.clock.advance(HOUR);
    const incremental = await connector.incrementalCrawl();
    const entries = world.host.journal.entries().slice(before);
    const requests = (service: string) => entries.filter((e) => e.service === service).length;
    expect(incremental.calls.confluence).toBe(requests("confluence"));
    expect(incremental.calls.graph).toBe(requests("graph"));
    expect(incremental.calls.confluence).toBeLessThan(full.calls.confluence);
  });
});

describe("graph credentials", () => {
  it("a wrong client secret fails with 1002 before Confluence is touched", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const config = configFor(world, { graph: { clientSecret: "wrong" } as never });
    const failed = await connectorFor(world, config).fullCrawl();
    expect(failed.fatal).toMatchObject({ code: 1002, phase: "setup" });
    expect(world.host.journal.entries().filter((e) => e.service === "confluence")).toEqual([]);
  });
});

describe("incremental crawl", () => {
  async function setup() {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    world.clock.advance(HOUR);
    const { store } = world.confluence;
    const eng = store.spaceByKey("ENG")!;
    store.updateContent("1002", { title: "Roadmap 2026" });
    store.setRestriction("1000", "read", { users: [accountIdFor("alice"), accountIdFor("svc")], groups: [] });
    const created = store.addContent({
      id: "1020",
      type: "page",
      spaceId: eng.id,
      title: "New design",
      parentId: null,
    });
    store.setRestriction(created.id, "read", {
      users: [accountIdFor("bob"), accountIdFor("svc")],
      groups: [],
    });
    store.setStatus("1003", "trashed");
    world.clock.advance(HOUR);
    return { world, state };
  }

  it("by default picks up edits and new pages, not permission changes or deletions", async () => {
    const { world, state } = await setup();
    const report = await connectorFor(world, configFor(world), state).incrementalCrawl();
    expect(report.mode).toBe("incremental");
    const index = indexOf(world);
    expect(index["1002"].properties.title).toBe("Roadmap 2026");
    expect(index["1020"]).toBeDefined();
    expect(index["1003"]).toBeDefined(); // documented: incremental crawls don't handle deletions
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["1000"]).toContain("bob@contoso.com"); // documented: permission change not synced
    expect(matrix["1020"]).toEqual(["bob@contoso.com"]); // a new item gets its real ACL
    expect(report.calls.confluence).toBeLessThan(15);

    const full = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(full.counts.deleted).toBe(1);
    expect(accessMatrix(world, UPNS)["1000"]).toEqual(["alice@contoso.com"]);
  });

  it("with the strict switches updates permissions of changed items and detects deletions", async () => {
    const { world, state } = await setup();
    world.confluence.store.updateContent("1000", { body: "<p>edited</p>" });
    const config = configFor(world, { incremental: { updatePermissions: true, detectDeletions: true } });
    await connectorFor(world, config, state).incrementalCrawl();
    expect(indexOf(world)["1003"]).toBeUndefined();
    expect(accessMatrix(world, UPNS)["1000"]).toEqual(["alice@contoso.com"]);
  });

  it("an edit made while a crawl runs is picked up by the next incremental crawl (watermark = crawl start)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    let edited = false;
    const editing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      // After ENG was listed and its first item is being written, someone edits an ENG page.
      if (!edited && request.method === "PUT" && request.url.includes("/items/")) {
        edited = true;
        world.clock.advance(60_000);
        world.confluence.store.updateContent("1002", { title: "Roadmap (edited mid-crawl)" });
      }
      return world.fetch(request);
    };
    await connectorFor(
      world,
      configFor(world, { incremental: { skewSeconds: 0 } }),
      state,
      editing,
    ).fullCrawl();
    expect(indexOf(world)["1002"].properties.title).toBe("Roadmap");
    world.clock.advance(HOUR);
    await connectorFor(
      world,
      configFor(world, { incremental: { skewSeconds: 0 } }),
      state,
    ).incrementalCrawl();
    expect(indexOf(world)["1002"].properties.title).toBe("Roadmap (edited mid-crawl)");
  });

  it("falls back to a full crawl when there is no watermark", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(world, configFor(world)).incrementalCrawl();
    expect(report.mode).toBe("full");
  });
});

describe("resilience", () => {
  async function reference() {
    const world = makeWorld(SITE, DIRECTORY);
    await connectorFor(world, configFor(world)).fullCrawl();
    return { index: indexOf(world), groups: groupsOf(world) };
  }

  it.each([12, 25, 40, 60])(
    "a crawl killed after %i requests resumes to the same index, without rewriting finished spaces",
    async (n) => {
      const expected = await reference();
      const world = makeWorld(SITE, DIRECTORY);
      const state = new MemoryStateStore();
      let calls = 0;
      const dying: typeof fetch = async (input, init) => {
        if (++calls > n) throw new Error("process killed");
        return world.fetch(input, init);
      };
      const killed = await connectorFor(world, configFor(world), state, dying).fullCrawl();
      expect(killed.fatal?.code).toBe(1000); // the dead fetch looks like an unreachable service
      const putsBefore = itemPuts(world);
      const report = await connectorFor(world, configFor(world), state).fullCrawl();
      expect(report.complete).toBe(true);
      expect(indexOf(world)).toEqual(expected.index);
      expect(groupsOf(world)).toEqual(expected.groups);
      // Items of spaces finished before the kill are not written again.
      const done = (state.peek()?.checkpoint?.spacesDone ?? []).length;
      expect(done).toBe(0); // checkpoint cleared after completion
      expect(putsBefore + report.counts.indexed).toBe(itemPuts(world));
      expect(itemPuts(world)).toBeLessThanOrEqual(2 * Object.keys(expected.index).length);
      if (report.resumed && putsBefore > 0)
        expect(report.counts.indexed).toBeLessThan(Object.keys(expected.index).length);
    },
  );

  it("a resumed crawl also refreshes the external groups of spaces finished before the kill", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    const engId = world.confluence.store.spaceByKey("ENG")!.id;
    let killAfterEng = false;
    const dying: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      // Die as soon as the crawl moves on from ENG (its checkpoint is saved by then).
      if (/\/spaces\/\d+\/permissions/.test(request.url) && !request.url.includes(`/spaces/${engId}/`))
        killAfterEng = true;
      if (killAfterEng) throw new Error("process killed");
      return world.fetch(request);
    };
    const killed = await connectorFor(world, configFor(world), state, dying).fullCrawl();
    expect(killed.fatal).toMatchObject({ code: 1000, phase: "permissions" });
    expect(state.peek()?.checkpoint?.spacesDone).toEqual([engId]);
    const { store } = world.confluence;
    store.addGroupMember(store.requireGroup("eng").id, accountIdFor("erin"));
    await connectorFor(world, configFor(world), state).fullCrawl();

    const fresh = makeWorld(SITE, DIRECTORY);
    fresh.confluence.store.addGroupMember(
      fresh.confluence.store.requireGroup("eng").id,
      accountIdFor("erin"),
    );
    await connectorFor(fresh, configFor(fresh)).fullCrawl();
    expect(groupsOf(world)).toEqual(groupsOf(fresh));
    expect(indexOf(world)).toEqual(indexOf(fresh));
  });

  it("resumes from the state file on disk (a new process), leaving no temp files", async () => {
    const expected = await reference();
    const world = makeWorld(SITE, DIRECTORY);
    const dir = await mkdtemp(join(tmpdir(), "cgsim-state-"));
    const path = join(dir, "nested", "state.json");
    let calls = 0;
    const dying: typeof fetch = async (input, init) => {
      if (++calls > 30) throw new Error("process killed");
      return world.fetch(input, init);
    };
    const killed = await connectorFor(world, configFor(world), new FileStateStore(path), dying).fullCrawl();
    expect(killed.fatal?.code).toBe(1000);
    expect((await new FileStateStore(path).load()).checkpoint?.mode).toBe("full");
    const report = await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
    expect(report.resumed).toBe(true);
    expect(indexOf(world)).toEqual(expected.index);
    const saved = await new FileStateStore(path).load();
    expect(saved.checkpoint).toBeUndefined();
    expect([...saved.ledger.ids()].sort()).toEqual(Object.keys(expected.index).sort());
    expect(await readdir(join(dir, "nested"))).toEqual(["state.json"]);
    const missing = await new FileStateStore(join(dir, "missing.json")).load();
    expect(missing).toMatchObject({ version: 3, groups: {} });
    expect(missing.ledger.size).toBe(0);
  });

  it.each([1, 2] as const)(
    "reads a version %i state file: nothing is re-sent and incremental crawls keep the indexed ACLs",
    async (version) => {
      const world = makeWorld(SITE, DIRECTORY);
      const path = join(await mkdtemp(join(tmpdir(), "cgsim-state-")), "state.json");
      await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
      const current = JSON.parse(await readFile(path, "utf8"));
      const { ledger, ...rest } = current as { ledger: LedgerJson };
      const legacy = JSON.stringify({ ...rest, version, items: legacyItems(ledger, version, world) });
      await writeFile(path, legacy);
      const upgraded = (await new FileStateStore(path).load()).ledger.toJSON();
      const kept = ({ content, inputs, listed, generation, ...columns }: LedgerJson) => columns;
      expect(kept(upgraded)).toEqual(kept(ledger));
      // Their rows hold built items' hashes: the next full crawl lists bodies to compare them.
      expect(Buffer.from(upgraded.inputs ?? "", "base64").every((bits) => bits === 0)).toBe(true);

      const puts = itemPuts(world);
      const full = await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
      expect(full.counts).toMatchObject({ unchanged: 13, indexed: 0, failed: 0 });
      // …and upgrades them in place, so the crawl after it lists no bodies and re-sends nothing.
      expect((await new FileStateStore(path).load()).ledger.toJSON().content).toBe(ledger.content);
      const listings = bodyListings(world);
      const again = await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
      expect(again.counts).toMatchObject({ unchanged: 13, indexed: 0, failed: 0 });
      expect(bodyListings(world)).toBe(listings);
      expect(itemPuts(world)).toBe(puts);
      await writeFile(path, legacy);
      world.clock.advance(HOUR);
      world.confluence.store.updateContent("1002", { body: "<p>edited after the upgrade</p>" });
      const incremental = await connectorFor(
        world,
        configFor(world),
        new FileStateStore(path),
      ).incrementalCrawl();
      expect(incremental).toMatchObject({
        mode: "incremental",
        complete: true,
        counts: { indexed: 1, failed: 0 },
      });
      expect(itemPuts(world)).toBe(puts + 1);
    },
  );

  it("resumes a version 2 checkpoint: the items it had listed are not deleted, the others are", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const path = join(await mkdtemp(join(tmpdir(), "cgsim-state-")), "state.json");
    await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
    const { ledger, ...rest } = JSON.parse(await readFile(path, "utf8")) as { ledger: LedgerJson };
    const eng = world.confluence.store.spaceByKey("ENG")!.id;
    const engItems = ledger.ids.filter((_, i) => ledger.spaces[ledger.space[i]] === eng);
    expect(engItems.length).toBeGreaterThan(0);
    // Killed by version 2 after ENG was listed and written; ENG's first page was trashed since.
    const checkpoint = { mode: "full", startedAt: world.clock.now(), spacesDone: [eng], seen: engItems };
    await writeFile(
      path,
      JSON.stringify({ ...rest, version: 2, items: legacyItems(ledger, 2, world), checkpoint }),
    );
    world.confluence.store.setStatus(engItems[0], "trashed");
    const report = await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
    expect(report).toMatchObject({ resumed: true, complete: true, counts: { deleted: 0 } });
    expect(Object.keys(indexOf(world))).toContain(engItems[0]);
    // The next crawl lists ENG again and proves the page gone.
    const next = await connectorFor(world, configFor(world), new FileStateStore(path)).fullCrawl();
    expect(next.counts.deleted).toBe(1);
    expect(Object.keys(indexOf(world))).not.toContain(engItems[0]);
  });

  it("with 20% injected 429/503 (Retry-After honoured in simulated time) the final index equals the fault-free one", async () => {
    const expected = await reference();
    const world = makeWorld(SITE, DIRECTORY);
    world.host.faults.set({
      seed: 42,
      rules: [
        { status: 429, retryAfter: 30, probability: 0.1 },
        { status: 503, probability: 0.111 },
      ],
    });
    const started = world.clock.now();
    const report = await connectorFor(world, configFor(world)).fullCrawl();
    expect(indexOf(world)).toEqual(expected.index);
    expect(groupsOf(world)).toEqual(expected.groups);
    const faulted = world.host.journal.entries().filter((e) => e.fault).length;
    expect(faulted).toBeGreaterThan(5);
    expect(report.throttled.confluence + report.throttled.graph + report.throttled.login).toBeGreaterThan(0);
    // Every 429 was waited out for at least its Retry-After, in simulated time.
    expect(world.clock.now() - started).toBeGreaterThanOrEqual(30_000);
  });
});
