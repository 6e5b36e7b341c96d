import { describe, expect, it } from "vitest";
import { parseKql } from "../../src/simulators/graph/index.ts";
import { item, makeWorld, SEARCH_APP } from "./world.ts";

async function world() {
  const w = makeWorld();
  await w.readyConnection("wiki");
  const d = w.directory;
  const alice = d.user("alice@contoso.onmicrosoft.com")!;
  const bob = d.user("bob@contoso.onmicrosoft.com")!;
  const eng = d.group("Engineering")!;
  const put = async (id: string, title: string, acl: unknown[], extra: Record<string, unknown> = {}) => {
    const res = await w.call("PUT", `/external/connections/wiki/items/${id}`, item(title, acl, extra));
    expect(res.status, res.text).toBe(200);
  };
  await w.call("POST", "/external/connections/wiki/groups", { id: "spaceSALES" });
  await w.call("POST", "/external/connections/wiki/groups/spaceSALES/members", {
    id: d.group("Everyone Sales")!.id,
    type: "group",
  });
  await put("p1", "Roadmap planning 2026", [{ type: "group", value: eng.id, accessType: "grant" }], {
    spaceKey: "ENG",
    version: 3,
  });
  await put("p2", "Sales playbook", [{ type: "externalGroup", value: "spaceSALES", accessType: "grant" }], {
    spaceKey: "SALES",
    version: 1,
  });
  await put(
    "p3",
    "Company roadmap overview",
    [{ type: "everyone", value: d.tenantId, accessType: "grant" }],
    { spaceKey: "HR", version: 2 },
  );
  await put(
    "p4",
    "Secret roadmap",
    [
      { type: "everyone", value: d.tenantId, accessType: "grant" },
      { type: "user", value: bob.id, accessType: "deny" },
    ],
    { spaceKey: "ENG", version: 1 },
  );
  await put(
    "p5",
    "Guest-free roadmap",
    [{ type: "everyoneExceptGuests", value: d.tenantId, accessType: "grant" }],
    { spaceKey: "HR" },
  );
  return { w, alice, bob };
}

const query = (queryString: string, extra: Record<string, unknown> = {}) => ({
  requests: [
    {
      entityTypes: ["externalItem"],
      contentSources: ["/external/connections/wiki"],
      query: { queryString },
      ...extra,
    },
  ],
});
const ids = (body: { value: Array<{ hitsContainers: Array<{ hits?: Array<{ hitId: string }> }> }> }) =>
  (body.value[0].hitsContainers[0].hits ?? []).map((h) => h.hitId).sort();

describe("search as user", () => {
  it("two users get different hits, trimmed by ACL (group, external group, everyone, deny)", async () => {
    const { w } = await world();
    const asAlice = await w.call(
      "POST",
      "/search/query",
      query("roadmap"),
      await w.userToken("alice@contoso.onmicrosoft.com"),
    );
    expect(asAlice.status).toBe(200);
    expect(ids(asAlice.body)).toEqual(["p1", "p3", "p4", "p5"]);
    const asBob = await w.call(
      "POST",
      "/search/query",
      query("roadmap OR playbook"),
      await w.userToken("bob@contoso.onmicrosoft.com"),
    );
    expect(ids(asBob.body)).toEqual(["p2", "p3", "p5"]);
    const guest = await w.call(
      "POST",
      "/search/query",
      query("roadmap"),
      await w.userToken("gina_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
    );
    expect(ids(guest.body)).toEqual(["p3", "p4"]);
  });

  it("answers in the documented shape with highlights, ranks, total and moreResultsAvailable", async () => {
    const { w } = await world();
    const res = await w.call(
      "POST",
      "/search/query",
      query("roadmap", { from: 0, size: 2 }),
      await w.userToken("alice@contoso.onmicrosoft.com"),
    );
    expect(res.body["@odata.context"]).toBe(
      "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.searchResponse)",
    );
    const container = res.body.value[0].hitsContainers[0];
    expect(res.body.value[0].searchTerms).toEqual(["roadmap"]);
    expect(container).toMatchObject({ total: 4, moreResultsAvailable: true });
    expect(container.hits).toHaveLength(2);
    expect(container.hits[0]).toMatchObject({
      rank: 1,
      contentSource: "/external/connections/wiki",
      resource: { "@odata.type": "#microsoft.graph.externalConnectors.externalItem" },
    });
    expect(container.hits[0].summary).toContain("<c0>");
    const page2 = await w.call(
      "POST",
      "/search/query",
      query("roadmap", { from: 2, size: 2 }),
      await w.userToken("alice@contoso.onmicrosoft.com"),
    );
    expect(page2.body.value[0].hitsContainers[0]).toMatchObject({ total: 4, moreResultsAvailable: false });
    expect(page2.body.value[0].hitsContainers[0].hits[0].rank).toBe(3);
  });

  it("returns only retrievable fields, filtered by `fields` (names or label_ aliases)", async () => {
    const { w } = await world();
    const token = await w.userToken("alice@contoso.onmicrosoft.com");
    const all = await w.call("POST", "/search/query", query("planning"), token);
    const props = all.body.value[0].hitsContainers[0].hits[0].resource.properties;
    expect(props).toMatchObject({ title: "Roadmap planning 2026", spaceKey: "ENG", version: 3 });
    const some = await w.call(
      "POST",
      "/search/query",
      query("planning", { fields: ["label_title", "version"] }),
      token,
    );
    expect(some.body.value[0].hitsContainers[0].hits[0].resource.properties).toEqual({
      title: "Roadmap planning 2026",
      version: 3,
    });
  });

  it("KQL subset: phrases, prop:value on queryable properties, prefix *, NOT, no suffix match", async () => {
    const { w } = await world();
    const token = await w.userToken("alice@contoso.onmicrosoft.com");
    const q = async (s: string) => ids((await w.call("POST", "/search/query", query(s), token)).body);
    expect(await q('"roadmap overview"')).toEqual(["p3"]);
    expect(await q("spaceKey:ENG")).toEqual(["p1", "p4"]);
    expect(await q("spaceKey:ENG AND roadmap NOT secret")).toEqual(["p1"]);
    expect(await q("roadmap -secret")).toEqual(["p1", "p3", "p5"]);
    expect(await q("road*")).toEqual(["p1", "p3", "p4", "p5"]);
    expect(await q("*map")).toEqual([]);
    expect(await q("version:3")).toEqual(["p1"]);
    expect(await q("secret:anything")).toEqual([]);
    expect(await q("nothingmatches")).toEqual([]);
    const empty = await w.call("POST", "/search/query", query("nothingmatches"), token);
    expect(empty.body.value[0].hitsContainers[0]).toEqual({ total: 0, moreResultsAvailable: false });
  });

  it("refuses app tokens, missing scopes, bad sizes and unknown content sources", async () => {
    const { w } = await world();
    const app = await w.call("POST", "/search/query", query("roadmap"));
    expect(app.status).toBe(400);
    expect(app.body.error.message).toMatch(/Region is required/);
    const noScope = w.twin.issuer.issueUserToken(
      { ...w.directory.app(SEARCH_APP)!, scopes: ["User.Read"] },
      w.directory.user("alice@contoso.onmicrosoft.com")!,
    );
    const forbidden = await w.call("POST", "/search/query", query("roadmap"), await noScope);
    expect(forbidden.status).toBe(403);
    const token = await w.userToken("alice@contoso.onmicrosoft.com");
    expect((await w.call("POST", "/search/query", query("x", { size: 501 }), token)).status).toBe(400);
    expect((await w.call("POST", "/search/query", query(""), token)).status).toBe(400);
    const bad = await w.call(
      "POST",
      "/search/query",
      {
        requests: [
          {
            entityTypes: ["externalItem"],
            contentSources: ["/external/connections/nope"],
            query: { queryString: "x" },
          },
        ],
      },
      token,
    );
    expect(bad.status).toBe(400);
  });

  it("the programmatic search-as-user gives the same answer", async () => {
    const { w } = await world();
    const r = w.twin.search("bob@contoso.onmicrosoft.com", { query: "roadmap" });
    expect(r.hits.map((h) => h.hitId).sort()).toEqual(["p3", "p5"]);
  });

  it("parses KQL into an AST", () => {
    expect(parseKql('a "b c" title:x* NOT d')).toEqual({
      kind: "and",
      nodes: [
        { kind: "term", text: "a", prefix: false, phrase: false },
        { kind: "term", text: "b c", prefix: false, phrase: true },
        { kind: "term", text: "x", prefix: true, phrase: false, property: "title" },
        { kind: "not", node: { kind: "term", text: "d", prefix: false, phrase: false } },
      ],
    });
  });
});

describe("explainAccess", () => {
  it("names the membership chain and deny precedence", async () => {
    const { w } = await world();
    const carol = w.twin.explainAccess("carol@contoso.onmicrosoft.com", "wiki", "p1");
    expect(carol.allowed).toBe(true);
    expect(carol.reasons).toEqual([
      "granted: carol@contoso.onmicrosoft.com is in Entra group Engineering ← Eng Leads",
    ]);
    const bob = w.twin.explainAccess("bob@contoso.onmicrosoft.com", "wiki", "p2");
    expect(bob.reasons).toEqual([
      "granted: bob@contoso.onmicrosoft.com is in external group spaceSALES ← Entra group Everyone Sales",
    ]);
    const denied = w.twin.explainAccess("bob@contoso.onmicrosoft.com", "wiki", "p4");
    expect(denied.allowed).toBe(false);
    expect(denied.reasons).toEqual([
      "denied: bob@contoso.onmicrosoft.com is named directly",
      "granted: everyone in the tenant",
      "deny takes precedence over grant",
    ]);
    expect(w.twin.explainAccess("bob@contoso.onmicrosoft.com", "wiki", "p1").reasons).toEqual([
      "no ACL entry matches this user",
    ]);
  });

  it("accepts beta's older external-group shape (type group + identitySource external)", async () => {
    const { w } = await world();
    const beta = "https://graph.microsoft.com/beta/external/connections/wiki/items/p6";
    const res = await w.call(
      "PUT",
      beta,
      item("Beta style", [
        { type: "group", value: "spaceSALES", accessType: "grant", identitySource: "external" },
      ]),
    );
    expect(res.status).toBe(200);
    expect(w.twin.canAccess("bob@contoso.onmicrosoft.com", "wiki", "p6")).toBe(true);
    expect(w.twin.canAccess("alice@contoso.onmicrosoft.com", "wiki", "p6")).toBe(false);
  });
});

describe("search refiners and sorting", () => {
  it("aggregates refinable properties, filters by bucket token, sorts by refinable properties", async () => {
    const { w } = await world();
    const token = await w.userToken("alice@contoso.onmicrosoft.com");
    const agg = await w.call(
      "POST",
      "/search/query",
      query("roadmap", {
        aggregations: [
          { field: "spaceKey", size: 10, bucketDefinition: { sortBy: "count", isDescending: true } },
        ],
      }),
      token,
    );
    const container = agg.body.value[0].hitsContainers[0];
    expect(container.aggregations).toEqual([
      {
        field: "spaceKey",
        buckets: [
          { key: "ENG", count: 2, aggregationFilterToken: `"ǂǂ${Buffer.from("ENG").toString("hex")}"` },
          { key: "HR", count: 2, aggregationFilterToken: `"ǂǂ${Buffer.from("HR").toString("hex")}"` },
        ],
      },
    ]);
    const filtered = await w.call(
      "POST",
      "/search/query",
      query("roadmap", {
        aggregationFilters: [`spaceKey:${container.aggregations[0].buckets[1].aggregationFilterToken}`],
      }),
      token,
    );
    expect(ids(filtered.body)).toEqual(["p3", "p5"]);
    const sorted = await w.call(
      "POST",
      "/search/query",
      query("roadmap", { sortProperties: [{ name: "spaceKey", isDescending: true }] }),
      token,
    );
    expect(
      sorted.body.value[0].hitsContainers[0].hits.map(
        (h: { resource: { properties: { spaceKey: string } } }) => h.resource.properties.spaceKey,
      ),
    ).toEqual(["HR", "HR", "ENG", "ENG"]);
    const notRefinable = await w.call(
      "POST",
      "/search/query",
      query("roadmap", { aggregations: [{ field: "title" }] }),
      token,
    );
    expect(notRefinable.status).toBe(400);
  });
});

describe("membership caches", () => {
  it("follow directory and external group changes", async () => {
    const { w } = await world();
    const upn = "carol@contoso.onmicrosoft.com";
    expect(w.twin.canAccess(upn, "wiki", "p2")).toBe(false);
    w.directory.addMember("Everyone Sales", upn);
    expect(w.twin.canAccess(upn, "wiki", "p2")).toBe(true);
    w.directory.removeMember("Everyone Sales", upn);
    expect(w.twin.canAccess(upn, "wiki", "p2")).toBe(false);
    const carol = w.directory.user(upn)!;
    await w.call("POST", "/external/connections/wiki/groups/spaceSALES/members", {
      id: carol.id,
      type: "user",
    });
    expect(w.twin.canAccess(upn, "wiki", "p2")).toBe(true);
    await w.call("DELETE", `/external/connections/wiki/groups/spaceSALES/members/${carol.id}`);
    expect(w.twin.canAccess(upn, "wiki", "p2")).toBe(false);
    w.directory.updateUser(upn, { accountEnabled: false });
    expect(w.twin.canAccess(upn, "wiki", "p3")).toBe(false);
  });
});

describe("search index cache", () => {
  it("sees item updates", async () => {
    const { w } = await world();
    expect(w.twin.search("alice@contoso.onmicrosoft.com", { query: "zebra" }).total).toBe(0);
    await w.call("PATCH", "/external/connections/wiki/items/p3", { properties: { title: "Zebra crossing" } });
    expect(w.twin.search("alice@contoso.onmicrosoft.com", { query: "zebra" }).total).toBe(1);
    await w.call("PUT", "/external/connections/wiki/items/p3", {
      content: { type: "text", value: "now about okapis" },
    });
    expect(w.twin.search("alice@contoso.onmicrosoft.com", { query: "okapis" }).total).toBe(1);
  });
});
