import { describe, expect, it } from "vitest";
import { ALL_APP, defaultSchema, G, makeWorld, OTHER_APP } from "./world.ts";

describe("connections", () => {
  it("creates (201 + body), gets, lists, updates (204) and deletes (202) with the Graph envelope", async () => {
    const w = makeWorld();
    const created = await w.call(
      "POST",
      "/external/connections",
      { id: "confluence1", name: "Confluence", description: "wiki" },
      undefined,
      {
        "client-request-id": "req-1",
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#external/connections/$entity",
      id: "confluence1",
      name: "Confluence",
      state: "draft",
    });
    expect(created.headers.get("content-type")).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(created.headers.get("client-request-id")).toBe("req-1");
    expect(created.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const got = await w.call("GET", "/external/connections/confluence1");
    expect(got.body.state).toBe("draft");
    // Created without them: empty settings (a guess; the metadata allows null, see fidelity/graph.md).
    expect(got.body).toMatchObject({
      searchSettings: { searchResultTemplates: [] },
      activitySettings: { urlToItemResolvers: [] },
    });
    const list = await w.call("GET", "/external/connections");
    expect(list.body["@odata.context"]).toBe(
      "https://graph.microsoft.com/v1.0/$metadata#external/connections",
    );
    expect(list.body.value.map((c: { id: string }) => c.id)).toEqual(["confluence1"]);

    const upd = await w.call("PATCH", "/external/connections/confluence1", { name: "Renamed" });
    expect(upd.status).toBe(204);
    expect(upd.text).toBe("");
    expect(upd.headers.get("content-type")).toBeNull();
    expect((await w.call("GET", "/external/connections/confluence1")).body).toMatchObject({
      name: "Renamed",
      description: "wiki",
    });

    const del = await w.call("DELETE", "/external/connections/confluence1");
    expect(del.status).toBe(202);
    expect(del.headers.get("content-type")).toBeNull();
    const gone = await w.call("GET", "/external/connections/confluence1");
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe("itemNotFound");
  });

  it("every answer carries Graph's envelope headers, dated by the SimClock, next to the route's own", async () => {
    const w = makeWorld();
    const created = await w.call("POST", "/external/connections", { id: "env1", name: "Env" });
    const date = new Date(w.clock.now()).toUTCString();
    for (const res of [created, await w.call("GET", "/external/connections/nope")]) {
      expect(res.headers.get("date")).toBe(date);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
      expect(JSON.parse(res.headers.get("x-ms-ags-diagnostic")!).ServerInfo).toBeDefined();
      expect(res.headers.get("request-id")).toBe(res.headers.get("client-request-id"));
    }
    expect(created.headers.get("location")).toMatch(/\/v1\.0\/external\/connections\('env1'\)$/);
    w.clock.advance(90_000);
    const later = await w.call("GET", "/external/connections/env1");
    expect(later.headers.get("date")).toBe(new Date(w.clock.now()).toUTCString());
    expect(later.headers.get("date")).not.toBe(date);
    const unauthorized = await w.call("GET", "/external/connections", undefined, null);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("www-authenticate")).toMatch(/^Bearer realm=""/);
    expect(unauthorized.headers.get("content-type")).toBe("application/json");
  });

  it.each([
    ["ab", "InvalidConnectionId"],
    ["a".repeat(33), "InvalidConnectionId"],
    ["my-connection", "InvalidConnectionId"],
    ["MicrosoftWiki", "ReservedConnectionId"],
    ["microsoftwiki", "ReservedConnectionId"],
    ["SharePoint", "ReservedConnectionId"],
    ["teams", "ReservedConnectionId"],
  ])("rejects connection id %s with 400 InvalidRequest/%s", async (id, inner) => {
    const w = makeWorld();
    const res = await w.call("POST", "/external/connections", { id, name: "x" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "InvalidRequest",
      message: "The request is malformed or incorrect.",
    });
    expect(res.body.error.innerError.code).toBe(inner);
  });

  it("rejects missing or too long names and duplicate ids (409)", async () => {
    const w = makeWorld();
    expect((await w.call("POST", "/external/connections", { id: "abc" })).body.error.innerError.code).toBe(
      "InvalidConnectionName",
    );
    expect((await w.call("POST", "/external/connections", { id: "abc", name: "n".repeat(129) })).status).toBe(
      400,
    );
    expect((await w.call("POST", "/external/connections", { id: "abc", name: "n" })).status).toBe(201);
    const dup = await w.call("POST", "/external/connections", { id: "ABC", name: "n" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("Conflict");
  });

  it("scopes OwnedBy apps to their own or authorized connections; .All sees everything", async () => {
    const w = makeWorld();
    await w.call("POST", "/external/connections", { id: "mine", name: "m" });
    const other = await w.appToken(OTHER_APP);
    expect((await w.call("GET", "/external/connections", undefined, other)).body.value).toEqual([]);
    expect((await w.call("GET", "/external/connections/mine", undefined, other)).status).toBe(404);
    await w.call("PATCH", "/external/connections/mine", { configuration: { authorizedAppIds: [OTHER_APP] } });
    expect((await w.call("GET", "/external/connections/mine", undefined, other)).status).toBe(200);
    const all = await w.appToken(ALL_APP);
    expect((await w.call("GET", "/external/connections", undefined, all)).body.value).toHaveLength(1);
  });

  it("refuses callers without connector permissions with 401 and the missing roles", async () => {
    const w = makeWorld();
    const search = await w.userToken("alice@contoso.onmicrosoft.com");
    const res = await w.call("POST", "/external/connections", { id: "abc", name: "n" }, search);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(
      /API requires one of 'ExternalConnection.ReadWrite.OwnedBy, ExternalConnection.ReadWrite.All'/,
    );
  });

  it("validates urlToItemResolvers on create and update", async () => {
    const w = makeWorld();
    const resolver = (o: Record<string, unknown> = {}) => ({
      "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver",
      priority: 1,
      itemId: "{pageId}",
      urlMatchInfo: {
        baseUrls: ["https://acme.atlassian.net"],
        urlPattern: "/wiki/spaces/[^/]+/pages/(?<pageId>\\d+)",
      },
      ...o,
    });
    const bad: Array<[unknown[], string]> = [
      [[resolver({ "@odata.type": undefined })], "ODataTypeRequired"],
      [[resolver({ priority: 9 })], "InvalidResolverPriority"],
      [[resolver({ priority: 0 })], "InvalidResolverPriority"],
      [[resolver(), resolver()], "DuplicateResolverPriority"],
      [Array.from({ length: 9 }, (_, i) => resolver({ priority: i + 1 })), "TooManyUrlToItemResolvers"],
      [[resolver({ itemId: "{nope}" })], "UnknownResolverGroup"],
      [[resolver({ urlMatchInfo: { baseUrls: ["https://x"], urlPattern: "(" } })], "InvalidUrlPattern"],
      [[resolver({ urlMatchInfo: { baseUrls: [], urlPattern: "x" } })], "InvalidUrlMatchInfo"],
    ];
    for (const [urlToItemResolvers, inner] of bad) {
      const res = await w.call("POST", "/external/connections", {
        id: "res",
        name: "n",
        activitySettings: { urlToItemResolvers },
      });
      expect(res.status, inner).toBe(400);
      expect(res.body.error.innerError.code).toBe(inner);
    }
    const ok = await w.call("POST", "/external/connections", {
      id: "res",
      name: "n",
      activitySettings: { urlToItemResolvers: [resolver()] },
    });
    expect(ok.status).toBe(201);
    expect(w.twin.resolveUrl("res", "https://acme.atlassian.net/wiki/spaces/ENG/pages/1001/Roadmap")).toEqual(
      { itemId: "1001", priority: 1 },
    );
  });

  it("beta shows ingestedItemsCount and the quota", async () => {
    const w = makeWorld({ itemsPerConnection: 10 });
    await w.readyConnection("wiki");
    const beta = await w.call("GET", "https://graph.microsoft.com/beta/external/connections/wiki");
    expect(beta.body).toMatchObject({
      ingestedItemsCount: 0,
      enabledContentExperiences: "search",
      state: "ready",
    });
    const quota = await w.call("GET", "https://graph.microsoft.com/beta/external/connections/wiki/quota");
    expect(quota.body.itemsRemaining).toBe(10);
    expect((await w.call("GET", `${G}/external/connections/wiki/quota`)).status).toBe(400);
  });
});

describe("schema registration and operations", () => {
  it("PATCH → 202 with an absolute Location on the caller's origin; operation inprogress → completed; state draft → ready", async () => {
    const w = makeWorld({ schemaProvisioningMs: 60_000 });
    await w.call("POST", "/external/connections", { id: "wiki", name: "Wiki" });
    const res = await w.call("PATCH", "/external/connections/wiki/schema", defaultSchema);
    expect(res.status).toBe(202);
    expect(res.text).toBe("");
    expect(res.headers.get("content-type")).toBeNull();
    const location = res.headers.get("location")!;
    expect(location).toMatch(
      /^https:\/\/graph\.microsoft\.com\/v1\.0\/external\/connections\/wiki\/operations\/1\.neu\.[0-9A-F]{32}\.[0-9A-F]{32}$/,
    );
    const op1 = await w.call("GET", location);
    expect(op1.body).toMatchObject({ status: "inprogress", error: null });
    // Observed: the schema is readable while provisioning.
    const schema = await w.call("GET", "/external/connections/wiki/schema");
    expect(schema.status).toBe(200);
    expect(schema.body.properties[0]).toMatchObject({ name: "title", type: "string", isSearchable: true });
    expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe("draft");
    w.clock.advance(60_000);
    expect((await w.call("GET", location)).body.status).toBe("completed");
    expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe("ready");
  });

  it("POST schema is accepted too (Microsoft's GitHub sample)", async () => {
    const w = makeWorld();
    await w.call("POST", "/external/connections", { id: "wiki", name: "Wiki" });
    const res = await w.call("POST", "/external/connections/wiki/schema", defaultSchema);
    expect(res.status).toBe(202);
  });

  it("a failed operation reports error.message and leaves the connection in draft", async () => {
    const w = makeWorld();
    await w.call("POST", "/external/connections", { id: "wiki", name: "Wiki" });
    w.twin.failNextSchemaOperation("wiki", "Server error, something went wrong");
    const loc = (await w.call("PATCH", "/external/connections/wiki/schema", defaultSchema)).headers.get(
      "location",
    )!;
    w.clock.advance(10_000);
    expect((await w.call("GET", loc)).body).toMatchObject({
      status: "failed",
      error: { message: "Server error, something went wrong" },
    });
    expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe("draft");
  });

  it("updates are additive only", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    const add = {
      ...defaultSchema,
      properties: [...defaultSchema.properties, { name: "author", type: "string", isRetrievable: true }],
    };
    expect((await w.call("PATCH", "/external/connections/wiki/schema", add)).status).toBe(202);
    const cases: Array<[unknown, string]> = [
      [{ ...defaultSchema, properties: defaultSchema.properties.slice(1) }, "PropertyCannotBeRemoved"],
      [
        {
          ...defaultSchema,
          properties: defaultSchema.properties.map((p) =>
            p.name === "version" ? { ...p, type: "double" } : p,
          ),
        },
        "PropertyTypeCannotBeChanged",
      ],
      [
        {
          ...defaultSchema,
          properties: defaultSchema.properties.map((p) =>
            p.name === "score" ? { ...p, isRetrievable: false } : p,
          ),
        },
        "RetrievableCannotBeRemoved",
      ],
      [
        {
          ...defaultSchema,
          properties: defaultSchema.properties.map((p) =>
            p.name === "version" ? { ...p, isRefinable: true } : p,
          ),
        },
        "RefinableCannotBeChanged",
      ],
    ];
    for (const [body, inner] of cases) {
      const res = await w.call("PATCH", "/external/connections/wiki/schema", body);
      expect(res.status, inner).toBe(400);
      expect(res.body.error.innerError.code).toBe(inner);
    }
  });

  it("DELETE schema → 404 UnknownError (observed)", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    const res = await w.call("DELETE", "/external/connections/wiki/schema");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("UnknownError");
  });

  it("unknown operation and unknown path segments", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    expect((await w.call("GET", "/external/connections/wiki/operations/nope")).status).toBe(404);
    const seg = await w.call("GET", "/external/connections/wiki/bogus");
    expect(seg.status).toBe(400);
    expect(seg.body.error.message).toBe("Resource not found for the segment 'bogus'.");
  });
});

describe("evolvable enums on GET schema", () => {
  it("renders labels after the sentinel as unknownFutureValue unless Prefer: include-unknown-enum-members", async () => {
    const w = makeWorld();
    const schema = {
      baseType: "microsoft.graph.externalItem",
      properties: [
        { name: "title", type: "string", isRetrievable: true, labels: ["title"] },
        { name: "iconUrl", type: "string", isRetrievable: true, labels: ["iconUrl"] },
      ],
    };
    await w.readyConnection("wiki", schema);
    const plain = await w.call("GET", "/external/connections/wiki/schema");
    expect(plain.body.properties.map((p: { labels: string[] }) => p.labels[0])).toEqual([
      "title",
      "unknownFutureValue",
    ]);
    const opted = await w.call("GET", "/external/connections/wiki/schema", undefined, undefined, {
      prefer: "include-unknown-enum-members",
    });
    expect(opted.body.properties[1].labels).toEqual(["iconUrl"]);
    expect(opted.headers.get("preference-applied")).toBe("include-unknown-enum-members");
  });
});

describe("more connection rules", () => {
  it("row 7: GraphConnectors-Ticket and connectorId go together", async () => {
    const w = makeWorld();
    const noTicket = await w.call("POST", "/external/connections", {
      id: "abc",
      name: "n",
      connectorId: "teams-app",
    });
    expect(noTicket.status).toBe(400);
    expect(noTicket.body.error.innerError.code).toBe("ConnectorTicketMismatch");
    const noId = await w.call("POST", "/external/connections", { id: "abc", name: "n" }, undefined, {
      "GraphConnectors-Ticket": "t",
    });
    expect(noId.status).toBe(400);
    const both = await w.call(
      "POST",
      "/external/connections",
      { id: "abc", name: "n", connectorId: "teams-app" },
      undefined,
      { "GraphConnectors-Ticket": "t" },
    );
    expect(both.status).toBe(201);
    expect(both.body.connectorId).toBe("teams-app");
  });

  it("caps connections per tenant (configurable)", async () => {
    const w = makeWorld({ maxConnections: 2 });
    expect((await w.call("POST", "/external/connections", { id: "one", name: "n" })).status).toBe(201);
    expect((await w.call("POST", "/external/connections", { id: "two", name: "n" })).status).toBe(201);
    const third = await w.call("POST", "/external/connections", { id: "three", name: "n" });
    expect(third.status).toBe(403);
    expect(third.body.error.code).toBe("quotaLimitReached");
  });

  it("the scenario API issues tokens and builds twins from a fixture object", async () => {
    const w = makeWorld();
    const token = await w.twin.userToken("alice@contoso.onmicrosoft.com");
    const me = await w.call("GET", "/me", undefined, token);
    expect(me.body.userPrincipalName).toBe("alice@contoso.onmicrosoft.com");
    const app = await w.twin.appToken("11111111-1111-4111-8111-111111111111");
    expect((await w.call("GET", "/me", undefined, app)).status).toBe(400);
  });
});
