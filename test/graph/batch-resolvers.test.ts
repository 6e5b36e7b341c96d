import { describe, expect, it } from "vitest";
import { resolveUrl, validateResolvers } from "../../src/simulators/graph/index.ts";
import { item, makeWorld } from "./world.ts";

const EVERYONE = [{ type: "everyone", value: "everyone", accessType: "grant" }];

describe("$batch", () => {
  it("dispatches up to 20 requests through the same routes, honours dependsOn and fails dependents with 424", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    const res = await w.call("POST", "/$batch", {
      requests: [
        {
          id: "1",
          method: "PUT",
          url: "/external/connections/wiki/items/a",
          headers: { "content-type": "application/json" },
          body: item("A", EVERYONE),
        },
        { id: "2", method: "GET", url: "/external/connections/wiki/items/a", dependsOn: ["1"] },
        { id: "3", method: "PUT", url: "/external/connections/wiki/items/b", body: { acl: [] } },
        { id: "4", method: "DELETE", url: "/external/connections/wiki/items/a", dependsOn: ["3"] },
        { id: "5", method: "GET", url: "/external/connections/nope" },
      ],
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId["1"].status).toBe(200);
    expect(byId["2"]).toMatchObject({ status: 200, body: { id: "a", properties: { title: "A" } } });
    expect(byId["3"].status).toBe(400);
    expect(byId["3"].body.error.innerError.code).toBe("AclRequired");
    expect(byId["4"].status).toBe(424);
    expect(byId["5"].status).toBe(404);
    expect(w.twin.connection("wiki")!.items.has("a")).toBe(true);
  });

  it("sends each inner request through the host: its own journal entry, the fault plan, throttling", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    w.host.faults.set({
      rules: [
        { service: "graph", method: "PUT", path: "/v1.0/external/**/items/b", status: 429, retryAfter: 7 },
      ],
    });
    const before = w.host.journal.count();
    const res = await w.call("POST", "/$batch", {
      requests: [
        { id: "1", method: "PUT", url: "/external/connections/wiki/items/a", body: item("A", EVERYONE) },
        { id: "2", method: "PUT", url: "/external/connections/wiki/items/b", body: item("B", EVERYONE) },
        { id: "3", method: "GET", url: "/external/connections/wiki/items/a", dependsOn: ["1"] },
      ],
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId["1"].status).toBe(200);
    expect(byId["2"]).toMatchObject({ status: 429, headers: { "Retry-After": "7" } });
    expect(byId["3"].status).toBe(200);
    expect(w.twin.connection("wiki")!.items.has("b")).toBe(false);
    const entries = w.host.journal.entries().slice(before);
    const outer = entries.find((e) => e.operationId === "batch")!;
    expect(outer.status).toBe(200);
    const inner = entries.filter((e) => e.batch === outer.seq);
    expect(inner.map((e) => [e.method, e.path.split("/").pop(), e.status])).toEqual([
      ["PUT", "a", 200],
      ["PUT", "b", 429],
      ["GET", "a", 200],
    ]);
    expect(inner.map((e) => e.operationId)).toEqual([
      "externalConnections.putItem",
      "externalConnections.putItem",
      "externalConnections.getItem",
    ]);
    expect(inner[1]).toMatchObject({ retryAfter: 7, fault: expect.stringContaining("status 429") });
  });

  it("throttles inner writes with the connection's ingestion rate, and a dropped inner request answers 504", async () => {
    const w = makeWorld({ ingestionItemsPerSecond: 2 });
    await w.readyConnection("wiki");
    const requests = ["a", "b", "c"].map((x, i) => ({
      id: String(i + 1),
      method: "PUT",
      url: `/external/connections/wiki/items/${x}`,
      body: item(x, EVERYONE),
    }));
    const res = await w.call("POST", "/$batch", { requests });
    expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual([200, 200, 429]);
    expect(res.body.responses[2].headers["Retry-After"]).toBe("1");
    w.host.faults.set({
      rules: [{ service: "graph", method: "GET", path: "/v1.0/external/connections", drop: true }],
    });
    const dropped = await w.call("POST", "/$batch", {
      requests: [{ id: "1", method: "GET", url: "/external/connections" }],
    });
    expect(dropped.status).toBe(200);
    expect(dropped.body.responses[0]).toMatchObject({
      status: 504,
      body: { error: { code: "GatewayTimeout" } },
    });
  });

  it("rejects more than 20 requests, cycles and absolute URLs", async () => {
    const w = makeWorld();
    const many = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: "GET",
      url: "/external/connections",
    }));
    expect((await w.call("POST", "/$batch", { requests: many })).status).toBe(400);
    const cycle = [
      { id: "1", method: "GET", url: "/external/connections", dependsOn: ["2"] },
      { id: "2", method: "GET", url: "/external/connections", dependsOn: ["1"] },
    ];
    expect((await w.call("POST", "/$batch", { requests: cycle })).status).toBe(400);
    const abs = [{ id: "1", method: "GET", url: "https://graph.microsoft.com/v1.0/me" }];
    expect((await w.call("POST", "/$batch", { requests: abs })).status).toBe(400);
    const unauth = await w.call(
      "POST",
      "/$batch",
      { requests: [{ id: "1", method: "GET", url: "/external/connections" }] },
      null,
    );
    expect(unauth.body.responses[0].status).toBe(401);
  });
});

describe("urlToItemResolvers evaluation", () => {
  const resolvers = validateResolvers([
    {
      "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver",
      priority: 2,
      itemId: "page{pageId}",
      urlMatchInfo: {
        baseUrls: ["https://acme.atlassian.net/wiki"],
        urlPattern: "/spaces/(?<space>[^/]+)/pages/(?<pageId>\\d+)",
      },
    },
    {
      "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver",
      priority: 1,
      itemId: "blog{blogId}",
      urlMatchInfo: {
        baseUrls: ["https://acme.atlassian.net/wiki"],
        urlPattern: "/spaces/[^/]+/blog/\\d+/\\d+/\\d+/(?<blogId>\\d+)",
      },
    },
    {
      "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver",
      priority: 3,
      itemId: "{id}",
      urlMatchInfo: { baseUrls: ["https://acme.atlassian.net"], urlPattern: "pageId=(?<id>\\d+)" },
    },
  ]);

  it("evaluates in ascending priority, baseUrls prefix then urlPattern, first match wins", () => {
    expect(resolveUrl(resolvers, "https://acme.atlassian.net/wiki/spaces/ENG/pages/1001/Roadmap")).toEqual({
      itemId: "page1001",
      priority: 2,
    });
    expect(resolveUrl(resolvers, "https://acme.atlassian.net/wiki/spaces/ENG/blog/2026/01/02/77")).toEqual({
      itemId: "blog77",
      priority: 1,
    });
    expect(resolveUrl(resolvers, "https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=42")).toEqual({
      itemId: "42",
      priority: 3,
    });
    expect(resolveUrl(resolvers, "https://other.atlassian.net/wiki/spaces/ENG/pages/1001")).toBeUndefined();
    expect(resolveUrl(resolvers, "https://acme.atlassian.net/wiki/spaces/ENG/overview")).toBeUndefined();
  });

  it("is exposed on the twin for the scenario engine", async () => {
    const w = makeWorld();
    await w.call("POST", "/external/connections", {
      id: "wiki",
      name: "W",
      activitySettings: { urlToItemResolvers: resolvers },
    });
    expect(w.twin.resolveUrl("wiki", "https://acme.atlassian.net/wiki/spaces/X/pages/5")?.itemId).toBe(
      "page5",
    );
    expect(w.twin.resolveUrl("nope", "https://acme.atlassian.net/wiki/spaces/X/pages/5")).toBeUndefined();
  });
});
