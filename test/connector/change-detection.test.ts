import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ItemInput, inputsHash, itemProperties } from "../../src/connector/items.ts";
import type { CrawledContent, CrawledSpace } from "../../src/connector/model.ts";
import { PROPERTY_NAMES } from "../../src/connector/schema.ts";
import { MemoryStateStore } from "../../src/connector/state.ts";
import { accountIdFor } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { DIRECTORY, SITE } from "./fixture.ts";
import { configFor, connectorFor, indexOf, makeWorld } from "./harness.ts";

const word = fc.constantFrom("a", "b", "Ünïcode", "");
const date = fc.constantFrom("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", "2025-05-05T10:00:00Z", "");
const content: fc.Arbitrary<CrawledContent> = fc.record({
  id: fc.constantFrom("1", "2"),
  type: fc.constantFrom("page" as const, "blogpost" as const),
  spaceId: fc.constantFrom("1", "2"),
  title: word,
  parentId: fc.constantFrom(null, "1"),
  webui: fc.constantFrom("/spaces/A/pages/1/x", "spaces/A/pages/1/y"),
  authorId: fc.constantFrom("u1", "u2", ""),
  createdAt: date,
  lastModifiedAt: date,
  lastModifiedBy: fc.constantFrom("u1", "u2", ""),
  version: fc.integer({ min: 1, max: 3 }),
  labels: fc.array(fc.constantFrom("x", "y", "z"), { maxLength: 3 }),
});
const space: fc.Arbitrary<CrawledSpace> = fc.record({
  id: fc.constantFrom("1", "2"),
  key: fc.constantFrom("A", "B"),
  name: word,
  url: fc.constantFrom("https://a/wiki/spaces/A", "https://a/wiki/spaces/B"),
  readers: fc.constant({ users: [], groups: [] }),
  anonymousRead: fc.boolean(),
  anonymousEffective: fc.boolean(),
});
const input: fc.Arbitrary<ItemInput> = fc
  .record({
    content,
    space,
    siteUrl: fc.constantFrom("https://a", "https://b"),
    names: fc.dictionary(fc.constantFrom("u1", "u2"), word),
    properties: fc.subarray([...PROPERTY_NAMES]),
    format: fc.constantFrom("html" as const, "text" as const),
  })
  .map(({ names, ...rest }) => ({ ...rest, displayName: (a: string) => names[a] ?? "" }));

describe("inputs hash", () => {
  it("changes whenever the item's properties, version or format change", () => {
    fc.assert(
      fc.property(input, input, fc.nat(), (a, other, pick) => {
        // b: a with one input (a field of the content or space, a display name, or a setting) from `other`.
        const fields = [
          ...Object.keys(a.content).map((k) => (x: ItemInput) => ({
            ...x,
            content: { ...x.content, [k]: other.content[k as keyof CrawledContent] },
          })),
          ...Object.keys(a.space).map((k) => (x: ItemInput) => ({
            ...x,
            space: { ...x.space, [k]: other.space[k as keyof CrawledSpace] },
          })),
          (x: ItemInput) => ({ ...x, displayName: other.displayName }),
          (x: ItemInput) => ({ ...x, siteUrl: other.siteUrl }),
          (x: ItemInput) => ({ ...x, properties: other.properties }),
          (x: ItemInput) => ({ ...x, format: other.format }),
        ];
        const b = fields[pick % fields.length](a);
        const same =
          JSON.stringify(itemProperties(a)) === JSON.stringify(itemProperties(b)) &&
          a.content.version === b.content.version &&
          a.format === b.format;
        if (!same) expect(inputsHash(b)).not.toBe(inputsHash(a));
      }),
      { numRuns: 2000 },
    );
  });
});

/** Confluence requests of the crawl, as decoded URLs. */
const requests = (world: World, since: number) =>
  world.host.journal
    .entries()
    .filter((e) => e.seq > since && e.service === "confluence")
    .map((e) => decodeURIComponent(e.url));

describe("a full crawl after the first", () => {
  it("lists without bodies and fetches only the bodies of items that changed", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    const first = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(first.counts.indexed).toBe(13);
    const { store } = world.confluence;
    world.clock.advance(3_600_000);
    store.updateContent("1002", { body: "<p>Q4 roadmap</p>" });
    store.addLabel("3001", "policies");
    let since = world.host.journal.lastSeq;
    const second = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(second.counts).toMatchObject({ indexed: 2, unchanged: 11, failed: 0, skipped: 0 });
    const urls = requests(world, since);
    expect(
      urls
        .filter((u) => /\/spaces\/\d+\/(pages|blogposts)\?/.test(u))
        .every((u) => !u.includes("body-format")),
    ).toBe(true);
    expect(urls.filter((u) => u.includes("body-format"))).toEqual([
      `https://acme.atlassian.net/wiki/api/v2/pages?id=1002&body-format=storage&status=current&limit=250`,
      `https://acme.atlassian.net/wiki/api/v2/pages?id=3001&body-format=storage&status=current&limit=250`,
    ]);
    expect((indexOf(world) as Record<string, { content: { value: string } }>)["1002"].content.value).toBe(
      "<p>Q4 roadmap</p>",
    );

    // A page trashed between the listing and the body fetch is skipped, then deleted by the next crawl.
    store.updateContent("2001", { body: "<p>new appendix</p>" });
    const trashing: typeof fetch = async (url, init) => {
      if (String(url).includes("/pages?id=2001")) store.setStatus("2001", "trashed");
      return world.fetch(url, init);
    };
    const third = await connectorFor(world, configFor(world), state, trashing).fullCrawl();
    expect(third.counts).toMatchObject({ indexed: 0, skipped: 1, deleted: 0, failed: 0 });
    since = world.host.journal.lastSeq;
    const fourth = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(fourth.counts).toMatchObject({ indexed: 0, deleted: 1, unchanged: 12 });
    expect(requests(world, since).filter((u) => u.includes("body-format"))).toEqual([]);
  });

  it("a user's new display name re-sends the items naming them, with their bodies", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    world.confluence.store.updateUser(accountIdFor("svc"), { displayName: "Crawler" });
    const again = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(again.counts).toMatchObject({ indexed: 13, failed: 0 });
    const index = indexOf(world) as unknown as Record<
      string,
      { properties: { createdBy: string }; content: { value: string } }
    >;
    expect(index["1002"]).toMatchObject({
      properties: { createdBy: "Crawler" },
      content: { value: "<p>Q3 <b>roadmap</b></p>" },
    });
  });

  it("with a CQL filter, lists without bodies too", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    const config = configFor(world, { confluence: { cql: "label = roadmap or label = handbook" } as never });
    await connectorFor(world, config, state).fullCrawl();
    world.clock.advance(3_600_000);
    world.confluence.store.updateContent("3001", { body: "<p>new handbook</p>" });
    const since = world.host.journal.lastSeq;
    const again = await connectorFor(world, config, state).fullCrawl();
    expect(again.counts).toMatchObject({ indexed: 1, unchanged: 1 });
    // HR has no indexed item (the filter matches none of its pages): it is listed as a new space is.
    expect(requests(world, since).filter((u) => /body/.test(u) && !u.includes('space = "HR"'))).toEqual([
      `https://acme.atlassian.net/wiki/api/v2/pages?id=3001&body-format=storage&status=current&limit=250`,
    ]);
    expect((indexOf(world) as Record<string, { content: { value: string } }>)["3001"].content.value).toBe(
      "<p>new handbook</p>",
    );
  });
});

describe("a full crawl after an incremental one", () => {
  it("re-sends nothing the incremental crawl wrote (the CQL and v2 listings give the same inputs)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    world.clock.advance(3_600_000);
    world.confluence.store.updateContent("1002", { body: "<p>Q4 roadmap</p>" });
    world.confluence.store.updateContent("1100", { title: "Release notes for January" });
    world.clock.advance(60_000);
    const incremental = await connectorFor(world, configFor(world), state).incrementalCrawl();
    expect(incremental.counts).toMatchObject({ indexed: 2, failed: 0 });
    const full = await connectorFor(world, configFor(world), state).fullCrawl();
    expect(full.counts).toMatchObject({ indexed: 0, unchanged: 13, failed: 0 });
  });
});
