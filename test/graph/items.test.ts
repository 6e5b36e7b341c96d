import { describe, expect, it } from "vitest";
import { defaultSchema, item, makeWorld } from "./world.ts";

const EVERYONE = [{ type: "everyone", value: "everyone", accessType: "grant" }];
const url = "/external/connections/wiki/items";

async function ready(options = {}) {
  const w = makeWorld(options);
  await w.readyConnection("wiki", defaultSchema);
  return w;
}

describe("items", () => {
  it("PUT creates (bare 200), GET returns the item, PUT replaces only the members present, DELETE 204", async () => {
    const w = await ready();
    const created = await w.call("PUT", `${url}/1001`, {
      id: "1001",
      ...item("Roadmap", EVERYONE, {
        "tags@odata.type": "Collection(String)",
        tags: ["plan", "q3"],
        version: 3,
      }),
    });
    expect(created.status).toBe(200);
    expect(created.text).toBe("");
    expect(created.headers.get("content-type")).toBeNull();
    const got = await w.call("GET", `${url}/1001`);
    expect(got.body).toMatchObject({
      "@odata.context":
        "https://graph.microsoft.com/v1.0/$metadata#external/connections('wiki')/items/$entity",
      id: "1001",
      acl: EVERYONE,
      properties: { title: "Roadmap", tags: ["plan", "q3"], version: 3 },
      content: { type: "text", value: "Roadmap body text" },
    });
    expect(got.body.properties["tags@odata.type"]).toBeUndefined();
    const user = w.directory.user("alice@contoso.onmicrosoft.com")!;
    const upd = await w.call("PUT", `${url}/1001`, {
      acl: [{ type: "user", value: user.id, accessType: "grant" }],
    });
    expect(upd.status).toBe(200);
    expect(upd.body.properties.title).toBe("Roadmap");
    expect(upd.body.acl).toEqual([{ type: "user", value: user.id, accessType: "grant" }]);
    const props = await w.call("PATCH", `${url}/1001`, { properties: { title: "New" } });
    expect(props.body.properties).toEqual({ title: "New" });
    expect((await w.call("DELETE", `${url}/1001`)).status).toBe(204);
    const gone = await w.call("GET", `${url}/1001`);
    expect(gone.status).toBe(404);
    expect((await w.call("DELETE", `${url}/1001`)).status).toBe(404);
    expect((await w.call("PATCH", `${url}/nope`, { properties: { title: "x" } })).status).toBe(404);
  });

  /** Research table (a) rows 26–33: body, status, error.code, innerError.code. */
  const RULES: Array<[string, string, unknown, number, string, string | undefined]> = [
    [
      "26 content as a string",
      "a1",
      { acl: EVERYONE, properties: { title: "t" }, content: "plain" },
      400,
      "BadRequest",
      "PropertyValueTypeMismatch",
    ],
    [
      "26 int64 given a string",
      "a1",
      { acl: EVERYONE, properties: { version: "3" } },
      400,
      "BadRequest",
      "PropertyValueTypeMismatch",
    ],
    [
      "26 int64 given a fraction",
      "a1",
      { acl: EVERYONE, properties: { version: 3.5 } },
      400,
      "BadRequest",
      "PropertyValueTypeMismatch",
    ],
    [
      "26 dateTime not ISO",
      "a1",
      { acl: EVERYONE, properties: { lastModified: "yesterday" } },
      400,
      "BadRequest",
      "PropertyValueTypeMismatch",
    ],
    [
      "26 boolean given 'true'",
      "a1",
      { acl: EVERYONE, properties: { archived: "true" } },
      400,
      "BadRequest",
      "PropertyValueTypeMismatch",
    ],
    [
      "26 content type pdf",
      "a1",
      { acl: EVERYONE, properties: { title: "t" }, content: { type: "pdf", value: "x" } },
      400,
      "BadRequest",
      "InvalidEnumValue",
    ],
    [
      "27 undeclared property",
      "a1",
      { acl: EVERYONE, properties: { title: "t", colour: "red" } },
      400,
      "InvalidRequest",
      "PropertyNotInSchema",
    ],
    [
      "28 collection without annotation",
      "a1",
      { acl: EVERYONE, properties: { tags: ["a"] } },
      400,
      "BadRequest",
      "MissingODataTypeAnnotation",
    ],
    [
      "28 wrong collection annotation",
      "a1",
      { acl: EVERYONE, properties: { "tags@odata.type": "Collection(Int64)", tags: ["a"] } },
      400,
      "BadRequest",
      "MissingODataTypeAnnotation",
    ],
    ["29 missing acl", "a1", { properties: { title: "t" } }, 400, "InvalidRequest", "AclRequired"],
    ["29 empty acl", "a1", { acl: [], properties: { title: "t" } }, 400, "InvalidRequest", "AclRequired"],
    ["29 missing properties", "a1", { acl: EVERYONE }, 400, "InvalidRequest", "PropertiesRequired"],
    [
      "29 empty properties",
      "a1",
      { acl: EVERYONE, properties: {} },
      400,
      "InvalidRequest",
      "PropertiesRequired",
    ],
    [
      "30 acl type",
      "a1",
      { acl: [{ type: "role", value: "x", accessType: "grant" }], properties: { title: "t" } },
      400,
      "BadRequest",
      "InvalidEnumValue",
    ],
    [
      "30 acl accessType",
      "a1",
      { acl: [{ type: "user", value: "x", accessType: "allow" }], properties: { title: "t" } },
      400,
      "BadRequest",
      "InvalidEnumValue",
    ],
    [
      "30 acl unknownFutureValue",
      "a1",
      { acl: [{ type: "unknownFutureValue", value: "x", accessType: "grant" }], properties: { title: "t" } },
      400,
      "BadRequest",
      "InvalidEnumValue",
    ],
    ["31 id >128", "x".repeat(129), item("t", EVERYONE), 400, "InvalidRequest", "InvalidItemId"],
    ["31 id with space", "a%20b", item("t", EVERYONE), 400, "InvalidRequest", "InvalidItemId"],
    ["31 id with encoded slash", "a%2Fb", item("t", EVERYONE), 400, "InvalidRequest", "InvalidItemId"],
    [
      "body id differs from url id",
      "a1",
      { id: "a2", ...item("t", EVERYONE) },
      400,
      "InvalidRequest",
      "ItemIdMismatch",
    ],
    [
      "activity without @odata.type",
      "a1",
      {
        ...item("t", EVERYONE),
        activities: [
          { type: "created", startDateTime: "2026-01-01T00:00:00Z", performedBy: { type: "user", id: "x" } },
        ],
      },
      400,
      "InvalidRequest",
      "ODataTypeRequired",
    ],
    ["malformed JSON", "a1", "{not json", 400, "BadRequest", undefined],
    [
      "unknown top-level member",
      "a1",
      { ...item("t", EVERYONE), propertiez: {} },
      400,
      "BadRequest",
      "UnknownProperty",
    ],
  ];
  for (const [row, id, body, status, code, inner] of RULES) {
    it(`row ${row} → ${status} ${code}/${inner ?? "-"}`, async () => {
      const w = await ready();
      const res = await w.call("PUT", `${url}/${id}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      if (inner) expect(res.body.error.innerError.code).toBe(inner);
    });
  }

  it("row 28: a non-ASCII string without annotation is ingested with a journal note; strict mode refuses it", async () => {
    const body = { acl: EVERYONE, properties: { title: "Project Talia \u2013 Kandierte Äpfel" } };
    const lenient = await ready();
    expect((await lenient.call("PUT", `${url}/a1`, body)).status).toBe(200);
    expect((await lenient.call("GET", `${url}/a1`)).body.properties.title).toBe(body.properties.title);
    const entry = lenient.host.journal.entries({ operationId: "externalConnections.putItem" }).at(-1);
    expect(entry?.notes?.join(" ")).toMatch(/strict OData types off.*non-ASCII/);

    const strict = await ready({ strictODataTypes: true });
    const refused = await strict.call("PUT", `${url}/a1`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "BadRequest",
      innerError: { code: "MissingODataTypeAnnotation" },
    });
    expect((await strict.call("GET", `${url}/a1`)).status).toBe(404);
  });

  it("accepts annotated collections, non-ASCII with String annotation, html content, inline activities, DateTimeOffset collections", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki", {
      baseType: "microsoft.graph.externalItem",
      properties: [
        { name: "title", type: "string", isSearchable: true, isRetrievable: true },
        { name: "dates", type: "dateTimeCollection", isRetrievable: true },
        { name: "nums", type: "doubleCollection", isRetrievable: true },
      ],
    });
    const res = await w.call("PUT", `${url}/x1`, {
      acl: EVERYONE,
      properties: {
        "title@odata.type": "String",
        title: "Kandierte Äpfel",
        "dates@odata.type": "Collection(DateTimeOffset)",
        dates: ["2026-01-01T00:00:00Z"],
        "nums@odata.type": "Collection(Double)",
        nums: [1.5, 2],
      },
      content: { type: "html", value: "<p>Hi</p>" },
      activities: [
        {
          "@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
          type: "created",
          startDateTime: "2026-01-01T00:00:00Z",
          performedBy: { type: "user", id: w.directory.user("alice@contoso.onmicrosoft.com")!.id },
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(w.twin.connection("wiki")!.items.get("x1")!.activities).toHaveLength(1);
  });

  it("rejects bodies over 4 MB with 413 and POST to the collection with 404", async () => {
    const w = await ready();
    const big = item("big", EVERYONE);
    big.content.value = "x".repeat(4_000_001);
    const res = await w.call("PUT", `${url}/big`, big);
    expect(res.status).toBe(413);
    expect((await w.call("POST", url, item("t", EVERYONE))).status).toBe(404);
  });

  it("addActivities: app only, ≤ 20 per call", async () => {
    const w = await ready();
    await w.call("PUT", `${url}/a1`, item("t", EVERYONE));
    const act = {
      "@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
      type: "viewed",
      startDateTime: "2026-01-01T00:00:00Z",
      performedBy: { type: "user", id: "u" },
    };
    const ok = await w.call("POST", `${url}/a1/addActivities`, { activities: [act] });
    expect(ok.status).toBe(200);
    expect(ok.body.value[0]).toMatchObject({ type: "viewed", error: null });
    const many = await w.call("POST", `${url}/a1/addActivities`, {
      activities: Array.from({ length: 21 }, () => act),
    });
    expect(many.status).toBe(400);
  });
});

describe("external groups", () => {
  it("creates groups (201), adds members (201), lists, removes (204), rejects bad ids, types and duplicates", async () => {
    const w = await ready();
    const g = "/external/connections/wiki/groups";
    const created = await w.call("POST", g, { id: "spaceENG", displayName: "ENG space" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: "spaceENG", displayName: "ENG space", description: null });
    expect((await w.call("POST", g, { id: "spaceENG" })).status).toBe(409);
    expect((await w.call("POST", g, { id: "bad id!" })).body.error.innerError.code).toBe(
      "InvalidExternalGroupId",
    );
    expect((await w.call("POST", g, { id: "x".repeat(129) })).status).toBe(400);
    const alice = w.directory.user("alice@contoso.onmicrosoft.com")!;
    const m = await w.call("POST", `${g}/spaceENG/members`, { id: alice.id, type: "user" });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ id: alice.id, type: "user" });
    expect((await w.call("POST", `${g}/spaceENG/members`, { id: "x", type: "role" })).status).toBe(400);
    expect((await w.call("POST", `${g}/spaceENG/members`, { id: alice.id, type: "user" })).status).toBe(409);
    expect((await w.call("GET", `${g}/spaceENG/members`)).body.value).toHaveLength(1);
    expect((await w.call("PATCH", `${g}/spaceENG`, { description: "d" })).status).toBe(204);
    expect((await w.call("GET", `${g}/spaceENG`)).body.description).toBe("d");
    expect((await w.call("DELETE", `${g}/spaceENG/members/${alice.id}`)).status).toBe(204);
    expect((await w.call("DELETE", `${g}/spaceENG/members/${alice.id}`)).status).toBe(404);
    expect((await w.call("DELETE", `${g}/spaceENG`)).status).toBe(204);
    expect((await w.call("GET", `${g}/spaceENG`)).status).toBe(404);
  });
});

describe("stored items share what repeats", () => {
  it("items with the same ACL and property values share one copy, and a write to one leaves the others as they were", async () => {
    const w = await ready();
    const alice = w.directory.user("alice@contoso.onmicrosoft.com")!;
    const props = { "tags@odata.type": "Collection(String)", tags: ["plan", "q3"] };
    for (const id of ["s1", "s2"])
      expect((await w.call("PUT", `${url}/${id}`, item("Roadmap", EVERYONE, props))).status).toBe(200);
    const items = w.twin.connection("wiki")!.items;
    const [one, two] = [items.get("s1")!, items.get("s2")!];
    expect(one.acl).toBe(two.acl);
    expect(one.properties.tags).toBe(two.properties.tags);
    expect(Object.isFrozen(one.acl)).toBe(true);

    await w.call("PUT", `${url}/s1`, {
      acl: [{ type: "user", value: alice.id, accessType: "grant" }],
      properties: { title: "Other", "tags@odata.type": "Collection(String)", tags: ["plan"] },
    });
    expect((await w.call("GET", `${url}/s2`)).body).toMatchObject({
      acl: EVERYONE,
      properties: { title: "Roadmap", tags: ["plan", "q3"] },
    });
    expect((await w.call("GET", `${url}/s1`)).body).toMatchObject({
      acl: [{ type: "user", value: alice.id, accessType: "grant" }],
      properties: { title: "Other", tags: ["plan"] },
    });
  });
});

describe("ingestion throttling", () => {
  it("is off by default, and when configured answers 429 with Retry-After and records retry discipline", async () => {
    const w = await ready({ ingestionItemsPerSecond: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await w.call("PUT", `${url}/i${i}`, item(`t${i}`, EVERYONE))).status);
    expect(statuses).toEqual([200, 200, 429]);
    const throttled = w.host.journal.entries({ status: 429 }).at(-1)!;
    expect(throttled.retryAfter).toBe(1);
    // The same request again, too early: a violation (and throttled again).
    const body = (await w.call("PUT", `${url}/i2`, item("t2", EVERYONE))).body;
    expect(body.error).toMatchObject({
      code: "activityLimitReached",
      innerError: { code: "throttledRequest" },
    });
    expect(w.twin.retryDiscipline).toHaveLength(1);
    expect(w.twin.retryDiscipline.at(-1)).toMatchObject({
      honoured: false,
      retryAfterSeconds: 1,
      request: expect.stringMatching(/^PUT .*\/items\/i2$/),
    });
    w.clock.advance(1000);
    expect((await w.call("PUT", `${url}/i2`, item("t2", EVERYONE))).status).toBe(200);
    expect(w.twin.retryDiscipline.at(-1)).toMatchObject({ honoured: true, waitedSeconds: 1 });
    const notes = w.host.journal.entries().flatMap((e) => e.notes ?? []);
    expect(notes.some((n) => n.includes("retry discipline") && n.includes("honoured"))).toBe(true);
  });

  it("judges discipline per request: other requests sent while one waits are not retries", async () => {
    const w = await ready({ ingestionItemsPerSecond: 2 });
    // Five different items at once (as a concurrent crawler does): two pass, three get a 429.
    const first = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => w.call("PUT", `${url}/i${i}`, item(`t${i}`, EVERYONE))),
    );
    expect(first.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429]);
    // More new items during the wait: throttled, but nobody is retrying anything.
    expect((await w.call("PUT", `${url}/i5`, item("t5", EVERYONE))).status).toBe(429);
    expect((await w.call("DELETE", `${url}/i0`)).status).toBe(429);
    expect(w.twin.retryDiscipline).toEqual([]);
    // A different body to the same URL is a different request.
    expect((await w.call("PUT", `${url}/i5`, item("changed", EVERYONE))).status).toBe(429);
    expect(w.twin.retryDiscipline).toEqual([]);
    // Each throttled request retried after its own Retry-After: all honoured.
    const throttled = [0, 1, 2, 3, 4].filter((i) => first[i].status === 429);
    for (const i of throttled) {
      w.clock.advance(1000);
      expect((await w.call("PUT", `${url}/i${i}`, item(`t${i}`, EVERYONE))).status).toBe(200);
    }
    expect(w.twin.retryDiscipline).toHaveLength(3);
    expect(w.twin.retryDiscipline.every((r) => r.honoured)).toBe(true);
  });

  it("recognises a retry by its client-request-id even when the body was re-serialised", async () => {
    const w = await ready({ ingestionItemsPerSecond: 1 });
    expect((await w.call("PUT", `${url}/a`, item("a", EVERYONE))).status).toBe(200);
    const crid = { "client-request-id": "4f7e0d1c-0000-4000-8000-000000000001" };
    expect((await w.call("PUT", `${url}/b`, item("b", EVERYONE), undefined, crid)).status).toBe(429);
    const reordered = { ...item("b", EVERYONE) };
    expect(
      (await w.call("PUT", `${url}/b`, JSON.stringify(reordered, null, 2), undefined, crid)).status,
    ).toBe(429);
    expect(w.twin.retryDiscipline).toHaveLength(1);
    expect(w.twin.retryDiscipline[0]).toMatchObject({ honoured: false, waitedSeconds: 0 });
  });
});
