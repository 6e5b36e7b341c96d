import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../src/connector/state.ts";
import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import { accountIdFor } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { CONFLUENCE_NAME, DIRECTORY, SITE, UPNS } from "./fixture.ts";
import {
  accessMatrix,
  CONNECTION,
  configFor,
  connectorFor,
  groupsOf,
  indexOf,
  makeWorld,
} from "./harness.ts";

const EXPECTED_ITEMS = [
  "1000",
  "1001",
  "1002",
  "1003",
  "1004",
  "1006",
  "1100",
  "2000",
  "2001",
  "2002",
  "2003",
  "3001",
  "3002",
];

/** Confluence's own answer: can this directory user's Confluence account view the item? */
function truth(world: World, upn: string, id: string): boolean {
  const { store } = world.confluence;
  const evaluator = new AccessEvaluator(store, {
    type: "user",
    accountId: accountIdFor(CONFLUENCE_NAME[upn]),
  });
  return evaluator.canView(store.requireContent(id));
}

/** The CQL routes are written but may not be mounted on the twin yet. */
async function cqlServed(): Promise<boolean> {
  const world = makeWorld(SITE, DIRECTORY);
  const r = await world.fetch("https://acme.atlassian.net/wiki/rest/api/content/search?cql=type%3Dpage", {
    headers: { authorization: `Basic ${Buffer.from("svc@acme.com:token-svc").toString("base64")}` },
  });
  return r.status === 200;
}
const CQL = await cqlServed();

describe("full crawl against the twins (direct transport)", () => {
  it("indexes exactly the visible pages and blog posts with the seed's properties", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(world, configFor(world)).fullCrawl();
    expect(report.complete).toBe(true);
    const index = indexOf(world);
    expect(Object.keys(index)).toEqual(EXPECTED_ITEMS);
    const roadmap = index["1002"];
    expect(roadmap.properties).toMatchObject({
      title: "Roadmap",
      url: "https://acme.atlassian.net/wiki/spaces/ENG/pages/1002/Roadmap",
      spaceKey: "ENG",
      spaceName: "Engineering",
      spaceUrl: "https://acme.atlassian.net/wiki/spaces/ENG",
      labels: ["planning", "roadmap"],
      contentType: "page",
      createdBy: "Svc",
    });
    expect(roadmap.content).toEqual({ type: "html", value: "<p>Q3 <b>roadmap</b></p>" });
    expect(index["1100"].properties).toMatchObject({ contentType: "blogpost", labels: ["release"] });
    // Every indexed item's own URL resolves back to it (pages and blog posts alike).
    for (const [id, item] of Object.entries(index)) {
      expect(
        world.graph.resolveUrl(CONNECTION, String(item.properties.url))?.itemId,
        String(item.properties.url),
      ).toBe(id);
    }
    const conn = world.graph.connection(CONNECTION)!;
    expect(world.graph.stateOf(conn)).toBe("ready");
    expect(
      world.graph.resolveUrl(CONNECTION, `https://acme.atlassian.net/wiki/spaces/ENG/pages/1002/Roadmap`)
        ?.itemId,
    ).toBe("1002");
    expect(
      world.graph.resolveUrl(CONNECTION, `https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=2001`)
        ?.itemId,
    ).toBe("2001");
    // Unmapped identities are reported with the reason, never granted.
    const unmapped = Object.fromEntries(report.unmappedIdentities.map((u) => [u.displayName, u.reason]));
    expect(unmapped).toMatchObject({
      Carol: "hidden-email",
      Dave: "no Entra user with UPN dave.smith@fabrikam.com",
    });
  });

  it("policy `confluence`: search access equals Confluence's answer for every mapped user × item, fail closed for the rest", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    await connectorFor(world, configFor(world)).fullCrawl();
    const conn = world.graph.connection(CONNECTION)!;
    for (const [id, item] of conn.items) {
      const everyone = item.acl.some((e) => e.type === "everyone" && e.accessType === "grant");
      for (const upn of UPNS) {
        const mapped = upn !== "carol@contoso.com" && upn !== "dsmith@contoso.com";
        const expected = truth(world, upn, id) && (mapped || everyone);
        expect(world.graph.canAccess(upn, CONNECTION, id), `${upn} on ${id}`).toBe(expected);
      }
    }
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["2001"]).toEqual(["alice@contoso.com"]); // S02: inherited hr-leads restriction
    expect(matrix["2002"]).toEqual(["alice@contoso.com"]); // S04: frank lacks HR space access
    expect(matrix["3002"]).toEqual(["frank@contoso.com"]); // S05: restriction beats anonymous space
    expect(matrix["3001"]).toEqual(UPNS); // anonymous space, anonymous site → everyone
    expect(matrix["1003"]).toEqual(["alice@contoso.com", "bob@contoso.com"]); // S15: edit-only restriction
    expect(matrix["1006"]).toEqual(["alice@contoso.com"]); // intersection of three sets
    expect(matrix["2003"]).toEqual([]); // S17: dave unmapped → nobody, not the space
  });

  it("policy `documented`: page restrictions replace space permissions and parents are ignored", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    await connectorFor(world, configFor(world, { permissions: { policy: "documented" } })).fullCrawl();
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["2001"]).toEqual(["alice@contoso.com", "erin@contoso.com"]); // documented over-exposure (S02)
    expect(matrix["2002"]).toEqual(["alice@contoso.com", "frank@contoso.com"]); // S04 per the documented rule
    expect(matrix["1006"]).toEqual(["alice@contoso.com", "erin@contoso.com"]);
    expect(matrix["3002"]).toEqual(["frank@contoso.com"]);
    expect(matrix["3001"]).toEqual(UPNS);
  });

  it("documented policy, literal 2024 text (C-1): space permissions ignored → unrestricted pages deny all", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const config = configFor(world, {
      permissions: { policy: "documented", documentedSpacePermissions: "ignored" },
    });
    await connectorFor(world, config).fullCrawl();
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["1002"]).toEqual([]);
    expect(matrix["3001"]).toEqual(UPNS); // anonymous spaces still everyone
    expect(matrix["2002"]).toEqual(["alice@contoso.com", "frank@contoso.com"]); // restrictions still apply
  });

  it("anonymous content can be granted to members only (everyoneExceptGuests, C-5)", async () => {
    const world = makeWorld(SITE, {
      ...DIRECTORY,
      users: [...DIRECTORY.users!, { upn: "gina_partner.io#EXT#@contoso.onmicrosoft.com", guest: true }],
    });
    await connectorFor(
      world,
      configFor(world, { permissions: { anonymousAs: "everyoneExceptGuests" } }),
    ).fullCrawl();
    const acl = world.graph.connection(CONNECTION)!.items.get("3001")!.acl;
    expect(acl).toEqual([expect.objectContaining({ type: "everyoneExceptGuests", accessType: "grant" })]);
    expect(world.graph.canAccess("alice@contoso.com", CONNECTION, "3001")).toBe(true);
    expect(world.graph.canAccess("gina_partner.io#EXT#@contoso.onmicrosoft.com", CONNECTION, "3001")).toBe(
      false,
    );
  });

  it("permission mode `everyone` grants everyone on every item (and switching to it drops the old groups)", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const state = new MemoryStateStore();
    await connectorFor(world, configFor(world), state).fullCrawl();
    expect(Object.keys(groupsOf(world)).length).toBeGreaterThan(0);
    await connectorFor(world, configFor(world, { permissions: { mode: "everyone" } }), state).fullCrawl();
    for (const row of Object.values(accessMatrix(world, UPNS))) expect(row).toEqual(UPNS);
    expect(groupsOf(world)).toEqual({});
  });

  it("a second full crawl writes nothing; a group membership change rewrites one group, no items", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const connector = connectorFor(world, configFor(world));
    await connector.fullCrawl();
    const again = await connector.fullCrawl();
    expect(again.counts).toMatchObject({
      indexed: 0,
      unchanged: EXPECTED_ITEMS.length,
      deleted: 0,
      groupsWritten: 0,
    });
    const { store } = world.confluence;
    store.addGroupMember(store.requireGroup("eng").id, accountIdFor("erin"));
    const third = await connector.fullCrawl();
    expect(third.counts).toMatchObject({ indexed: 0, groupsWritten: 1 });
    expect(accessMatrix(world, UPNS)["1002"]).toContain("erin@contoso.com");
  });

  it.runIf(CQL)("the CQL filter selects content through /content/search with bulk expand", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    const report = await connectorFor(
      world,
      configFor(world, { confluence: { cql: "label = roadmap or label = handbook" } as never }),
    ).fullCrawl();
    expect(Object.keys(indexOf(world))).toEqual(["1002", "3001"]);
    expect(report.complete).toBe(true);
  });
});

describe("deactivated accounts", () => {
  it("a deactivated Atlassian user is granted nothing, even with an active Entra account", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    world.confluence.store.updateUser(accountIdFor("bob"), { active: false });
    const report = await connectorFor(world, configFor(world)).fullCrawl();
    const matrix = accessMatrix(world, UPNS);
    expect(matrix["1002"]).toEqual(["alice@contoso.com"]); // bob is in eng, but cannot use Confluence
    expect(report.unmappedIdentities.find((u) => u.displayName === "Bob")?.reason).toBe("inactive-account");
    for (const [id, users] of Object.entries(matrix)) {
      if (users.includes("bob@contoso.com"))
        expect(world.graph.connection(CONNECTION)!.items.get(id)!.acl[0].type).toBe("everyone");
    }
  });
});

describe("external groups", () => {
  it("carry the Confluence group name and the intersected principals in their display names", async () => {
    const world = makeWorld(SITE, DIRECTORY);
    await connectorFor(world, configFor(world)).fullCrawl();
    const names = [...world.graph.connection(CONNECTION)!.groups.values()].map((g) => g.displayName);
    expect(names).toContain("Confluence group eng");
    expect(names.some((n) => n?.includes("hr") && n.includes("hr-leads") && n.includes("∩"))).toBe(true);
  });
});
