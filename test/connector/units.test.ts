import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cqlDate } from "../../src/connector/crawl/cql.ts";
import { ConnectorError, httpFailure } from "../../src/connector/errors.ts";
import { graphMiddleware } from "../../src/connector/graph/middleware.ts";
import { mapIdentity } from "../../src/connector/identity.ts";
import { buildItem, concatenatedJson, hashOf, stableJson } from "../../src/connector/items.ts";
import { resolveItemId, urlToItemResolvers } from "../../src/connector/resolvers.ts";
import {
  createLimiter,
  forEachLimited,
  parseRetryAfter,
  retryDelay,
  serverDelay,
  withRetry,
} from "../../src/connector/retry.ts";
import { bodyText, CallStats } from "../../src/connector/runtime.ts";
import { buildSchema, LABEL_TYPES, schemaProblems } from "../../src/connector/schema.ts";
import { htmlToText } from "../../src/util/html-text.ts";

const user = (email: string, extra: Partial<{ displayName: string; accountId: string }> = {}) => ({
  accountId: extra.accountId ?? "557058:abc",
  email,
  displayName: extra.displayName ?? "Alice Smith",
  publicName: "alice",
});

describe("identity mapping", () => {
  it("aad: email → UPN, trimmed and case-insensitive; hidden email is unmapped", () => {
    expect(mapIdentity({ source: "aad" }, user("  Alice@Contoso.COM "))).toEqual({
      ok: true,
      kind: "upn",
      value: "alice@contoso.com",
    });
    expect(mapIdentity({ source: "aad" }, user(""))).toEqual({ ok: false, reason: "hidden-email" });
  });

  it("nonAad: regex group {0} into the formula; a miss never passes the raw value through (S19)", () => {
    const rule = {
      source: "nonAad" as const,
      property: "email" as const,
      pattern: "^([^@]+)@contoso\\.co\\.uk$",
      formula: "{0}@contoso.com",
      target: "upn" as const,
    };
    expect(mapIdentity(rule, user("first.last@contoso.co.uk"))).toEqual({
      ok: true,
      kind: "upn",
      value: "first.last@contoso.com",
    });
    expect(mapIdentity(rule, user("x@vendor.io"))).toEqual({ ok: false, reason: "no-match" });
    const byName = {
      ...rule,
      property: "displayName" as const,
      pattern: "^(\\w+) (\\w+)$",
      formula: "{0}.{1}@contoso.com",
    };
    expect(mapIdentity(byName, user("", { displayName: "Alice Smith" }))).toMatchObject({
      value: "alice.smith@contoso.com",
    });
    const toId = {
      ...rule,
      property: "accountId" as const,
      pattern: "^557058:(.+)$",
      formula: "{0}",
      target: "objectId" as const,
    };
    expect(mapIdentity(toId, user("", { accountId: "557058:0000-1111" }))).toEqual({
      ok: true,
      kind: "objectId",
      value: "0000-1111",
    });
  });
});

describe("urlToItemResolvers", () => {
  const site = "https://contoso.atlassian.net";
  const resolvers = urlToItemResolvers(site);
  const w = `${site}/wiki`;
  it.each([
    [`${w}/spaces/KEY/pages/12345/Title`, "12345"],
    [`${w}/spaces/KEY/pages/12345`, "12345"],
    [`${w}/spaces/KEY/pages/edit-v2/12345`, "12345"],
    [`${w}/spaces/~5f1a2b/pages/777/Notes`, "777"],
    [`${w}/spaces/ENG/blog/2024/01/15/67890/Post`, "67890"],
    [`${w}/pages/viewpage.action?pageId=12345`, "12345"],
    [`${w}/pages/viewpage.action?spaceKey=ENG&pageId=42`, "42"],
    [`${w}/spaces/KEY/pages/12345/Release+2024?focusedCommentId=9`, "12345"],
    [`${w}/x/AbCd`, undefined],
    ["http://contoso.atlassian.net/wiki/spaces/K/pages/1", undefined],
    ["https://contoso-dev.atlassian.net/wiki/spaces/K/pages/1", undefined],
  ])("%s → %s", (url, id) => {
    expect(resolveItemId(resolvers, url)).toBe(id);
  });

  it("carries @odata.type, distinct priorities 1–8 and a named group", () => {
    for (const r of resolvers) {
      expect(r["@odata.type"]).toBe("#microsoft.graph.externalConnectors.itemIdResolver");
      expect(r.urlMatchInfo.urlPattern).toContain("(?<id>");
    }
    expect(new Set(resolvers.map((r) => r.priority)).size).toBe(resolvers.length);
  });
});

describe("retry policy", () => {
  it("Retry-After as seconds or HTTP date", () => {
    expect(parseRetryAfter("20", 0)).toBe(20_000);
    expect(parseRetryAfter(new Date(65_000).toUTCString(), 5_000)).toBe(60_000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });

  it("falls back to Atlassian's X-RateLimit-Reset / Beta-Retry-After on a 429 without Retry-After", () => {
    const at = (headers: Record<string, string>, status = 429) =>
      serverDelay(new Response(null, { status, headers }), 1_000_000);
    expect(at({ "x-ratelimit-reset": new Date(1_060_000).toISOString() })).toBe(60_000);
    expect(at({ "x-ratelimit-reset": "1060" })).toBeUndefined(); // not an epoch (too short), not a date
    expect(at({ "x-ratelimit-reset": "1000000060" })).toBeGreaterThan(0);
    expect(at({ "beta-retry-after": "7" })).toBe(7000);
    expect(at({ "retry-after": "3", "x-ratelimit-reset": new Date(1_060_000).toISOString() })).toBe(3000);
    expect(at({ "x-ratelimit-reset": new Date(1_060_000).toISOString() }, 503)).toBeUndefined();
  });

  it("never waits less than Retry-After; backoff stays within [half, full] of base·2^(n-1), capped", () => {
    const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.nat(100_000),
        (n, r, ra) => {
          expect(retryDelay(policy, n, ra, () => r)).toBeGreaterThanOrEqual(ra);
          const d = retryDelay(policy, n, undefined, () => r);
          const full = Math.min(30_000, 1000 * 2 ** (n - 1));
          expect(d).toBeGreaterThanOrEqual(full / 2 - 1);
          expect(d).toBeLessThanOrEqual(full + 1);
        },
      ),
    );
  });

  it("retries 429/503 honouring Retry-After in injected time, and gives up after maxAttempts", async () => {
    let now = 0;
    const waits: number[] = [];
    const deps = {
      now: () => now,
      random: () => 0.5,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    };
    const answers = [
      new Response("", { status: 429, headers: { "retry-after": "30" } }),
      new Response("", { status: 503 }),
      new Response("ok", { status: 200 }),
    ];
    const r = await withRetry(
      async () => answers.shift()!,
      { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 },
      deps,
    );
    expect(r.status).toBe(200);
    expect(waits).toEqual([30_000, 1500]);
    let calls = 0;
    const last = await withRetry(
      async () => {
        calls++;
        return new Response("", { status: 429 });
      },
      { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
      deps,
    );
    expect(last.status).toBe(429);
    expect(calls).toBe(3);
    // Client errors are not retried.
    calls = 0;
    await withRetry(
      async () => {
        calls++;
        return new Response("", { status: 400 });
      },
      { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      deps,
    );
    expect(calls).toBe(1);
  });

  it("limiter bounds concurrency", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await Promise.resolve();
          await Promise.resolve();
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it("limiter starts queued tasks in order, also across long queues and bursts", async () => {
    const limit = createLimiter(3);
    const started: number[] = [];
    const burst = (from: number, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          limit(async () => {
            started.push(from + i);
            await Promise.resolve();
            return from + i;
          }),
        ),
      );
    expect(await burst(0, 5000)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    await burst(5000, 10);
    expect(started).toEqual(Array.from({ length: 5010 }, (_, i) => i));
  });

  it("forEachLimited runs every item at most n at a time and stops picking up work after a failure", async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (i) => {
        active++;
        peak = Math.max(peak, active);
        seen.push(i);
        await Promise.resolve();
        active--;
      },
    );
    expect(peak).toBe(4);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const tried: number[] = [];
    await expect(
      forEachLimited([1, 2, 3, 4, 5, 6], 2, async (i) => {
        tried.push(i);
        await Promise.resolve();
        if (i === 2) throw new Error("crawl-wide failure");
      }),
    ).rejects.toThrow("crawl-wide failure");
    expect(tried).toEqual([1, 2, 3]);
  });
});

describe("error mapping to Microsoft's codes", () => {
  it.each([
    ["confluence", 429, "", 1001],
    ["graph", 429, "", 1001],
    ["confluence", 401, '{"code":401,"message":"Unauthorized; scope does not match"}', 1002],
    ["confluence", 403, '{"message":"Current user not permitted to use Confluence","statusCode":403}', 1002],
    ["confluence", 403, '{"statusCode":403,"message":"NoPermission"}', 1003],
    [
      "atlassian-auth",
      403,
      '{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}',
      1005,
    ],
    [
      "graph",
      403,
      '{"error":{"code":"quotaLimitReached","message":"The connection item quota has been reached"}}',
      1009,
    ],
    [
      "graph",
      403,
      '{"error":{"code":"quotaLimitReached","message":"The tenant item quota has been reached"}}',
      1008,
    ],
    ["graph", 401, "{}", 1002],
    ["confluence", 410, "GoneException", 1000],
  ] as const)("%s %i %s → %i", (service, status, body, code) => {
    const e = httpFailure(service, status, body, "https://x/y?token=secret");
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e.code).toBe(code);
    expect(e.message).not.toContain("secret");
  });
});

describe("schema", () => {
  it("matches the seed's labels, with labelled ⇒ retrievable and matching types", () => {
    const schema = buildSchema();
    expect(schemaProblems(schema.properties)).toEqual([]);
    const labels = Object.fromEntries(
      schema.properties.flatMap((p) => (p.labels ?? []).map((l) => [l, p.name])),
    );
    for (const l of [
      "title",
      "url",
      "iconUrl",
      "authors",
      "createdBy",
      "lastModifiedBy",
      "createdDateTime",
      "lastModifiedDateTime",
      "containerName",
      "containerUrl",
    ])
      expect(labels[l], l).toBeDefined();
    for (const p of schema.properties) for (const l of p.labels ?? []) expect(p.type).toBe(LABEL_TYPES[l]);
    expect(schema.properties.find((p) => p.name === "labels")?.type).toBe("stringCollection");
  });

  it("keeps title and url when a selection omits them", () => {
    expect(buildSchema(["spaceKey"]).properties.map((p) => p.name)).toEqual(["title", "url", "spaceKey"]);
  });

  it("flags rule breaks", () => {
    expect(schemaProblems([{ name: "x", type: "dateTime", labels: ["title"] }])).toEqual([
      "x: labelled title but not retrievable",
      "x: label title needs type string",
    ]);
  });
});

describe("items", () => {
  const space = {
    id: "1",
    key: "ENG",
    name: "Engineering",
    url: "https://acme.atlassian.net/wiki/spaces/ENG",
    readers: { users: [], groups: [] },
    anonymousRead: false,
    anonymousEffective: false,
  };
  const content = {
    id: "1001",
    type: "page" as const,
    spaceId: "1",
    title: "Salary bands – 2024",
    parentId: null,
    body: "<p>Hello &amp; <b>world</b></p>",
    webui: "/spaces/ENG/pages/1001/Salary+bands",
    authorId: "a",
    createdAt: "2024-01-01T00:00:00Z",
    lastModifiedAt: "2024-02-01T00:00:00.000Z",
    lastModifiedBy: "b",
    version: 2,
    labels: ["hr", "comp"],
  };
  it("builds properties per the schema with collection and non-ASCII annotations", () => {
    const item = buildItem({
      content,
      space,
      siteUrl: "https://acme.atlassian.net",
      displayName: (a) => ({ a: "Alice", b: "Bob" })[a] ?? "",
      properties: buildSchema().properties.map((p) => p.name) as never,
      format: "text",
    });
    expect(item.id).toBe("1001");
    expect(item.properties).toMatchObject({
      title: "Salary bands – 2024",
      "title@odata.type": "String",
      url: "https://acme.atlassian.net/wiki/spaces/ENG/pages/1001/Salary+bands",
      authors: ["Alice", "Bob"],
      "authors@odata.type": "Collection(String)",
      createdBy: "Alice",
      lastModifiedBy: "Bob",
      createdDateTime: "2024-01-01T00:00:00.000Z",
      spaceName: "Engineering",
      labels: ["comp", "hr"],
      "labels@odata.type": "Collection(String)",
      contentType: "page",
    });
    expect(item.content).toEqual({ type: "text", value: "Hello & world" });
    expect(htmlToText("<p>a</p><p>b</p>")).toBe("a\nb");
  });

  it("hash is key-order independent and sensitive to the ACL", () => {
    expect(hashOf({ a: 1, b: [1, 2] })).toBe(hashOf({ b: [1, 2], a: 1 }));
    expect(hashOf([{ type: "user", value: "x" }])).not.toBe(hashOf([{ type: "user", value: "y" }]));
  });

  it("hash values stay what ledgers already hold (a new format would re-PUT every item once)", () => {
    const content = {
      properties: { title: "Déjà vu", labels: ["b", "a"], n: 1.5, none: null, gone: undefined },
      content: { type: "html", value: '<p>"x"\n</p>' },
    };
    expect(hashOf(content)).toBe("eDDQTfMlnL3N4y-w_fS4xV");
    expect(hashOf([{ type: "user", value: "x", accessType: "grant" }])).toBe("d0ggQQWQImFKssQA8WO0Hh");
  });

  it("stable JSON through the sorted copy is the text concatenation writes, for any value", () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(undefined, null, true, -0, Number.NaN, Number.POSITIVE_INFINITY, () => 1),
        fc.double(),
        fc.string(),
        fc.date({ noInvalidDate: true }),
        fc.array(tie("any"), { maxLength: 4 }),
        fc.dictionary(
          fc.oneof(
            fc.string(),
            fc.nat().map(String),
            fc.constantFrom("4294967294", "4294967295", "01", "__proto__"),
          ),
          tie("any"),
          { maxKeys: 5 },
        ),
      ),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        expect(stableJson(v)).toBe(concatenatedJson(v));
      }),
      { numRuns: 3000 },
    );
  });

  it("formats CQL dates in UTC to the minute", () => {
    expect(cqlDate(Date.parse("2026-01-02T03:04:59Z"))).toBe("2026/01/02 03:04");
    // Confluence reads CQL dates in the caller's time zone.
    expect(cqlDate(Date.parse("2026-01-02T03:04:59Z"), "America/New_York")).toBe("2026/01/01 22:04");
    expect(cqlDate(Date.parse("2026-07-02T23:30:00Z"), "Asia/Kolkata")).toBe("2026/07/03 05:00");
    expect(cqlDate(0, "Not/AZone")).toBe("1970/01/01 00:00");
  });
});

describe("pagination links (S28)", () => {
  it("joins v2 and v1 `next` links onto the API base without doubling /wiki", async () => {
    const { nextPath } = await import("../../src/connector/confluence/client.ts");
    expect(nextPath("/wiki/api/v2/spaces/1/pages?cursor=abc&limit=250")).toBe(
      "/wiki/api/v2/spaces/1/pages?cursor=abc&limit=250",
    );
    expect(nextPath("/rest/api/content/search?next=true&cursor=x&limit=25&cql=type%3Dpage")).toBe(
      "/wiki/rest/api/content/search?next=true&cursor=x&limit=25&cql=type%3Dpage",
    );
    expect(nextPath("https://acme.atlassian.net/wiki/api/v2/pages?cursor=c")).toBe(
      "/wiki/api/v2/pages?cursor=c",
    );
    expect(nextPath("https://api.atlassian.com/ex/confluence/abc/wiki/rest/api/search?cursor=c")).toBe(
      "/wiki/rest/api/search?cursor=c",
    );
  });
});

describe("graph middleware", () => {
  it("puts the bearer token on Graph's origin only, replacing whatever authorization was set", async () => {
    const seen: Array<string | null> = [];
    const chain = graphMiddleware({
      runtime: {
        fetch: async (_url, init) => {
          seen.push(new Headers(init?.headers).get("authorization"));
          return new Response("{}");
        },
        now: () => 0,
        sleep: async () => {},
        random: () => 0,
      },
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      stats: new CallStats(),
      graphOrigin: "http://127.0.0.1:4000",
      token: async () => "T",
    });
    chain.reduce((a, b) => {
      a.setNext?.(b);
      return b;
    });
    const send = (url: string, headers: HeadersInit) =>
      chain[0].execute({ request: url, options: { method: "GET", headers } });
    await send("http://127.0.0.1:4000/v1.0/a", { Authorization: "Bearer old", "Content-Type": "x" });
    await send("HTTP://127.0.0.1:4000/v1.0/operations/1", {}); // a Location spelled differently
    await send("http://127.0.0.1:4000", new Headers({ authorization: "Basic x" }));
    await send("http://127.0.0.1:40001/v1.0/a", {});
    await send("https://login.microsoftonline.com/t/oauth2/v2.0/token", { authorization: "Basic x" });
    expect(seen).toEqual(["Bearer T", "Bearer T", "Bearer T", null, "Basic x"]);
  });
});

describe("bodyText", () => {
  const chunked = (bytes: Uint8Array, cuts: number[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        let at = 0;
        for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          controller.enqueue(bytes.subarray(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        controller.close();
      },
    });

  it("reads what Response.text() reads, however the bytes are split (UTF-8 across chunks, BOM)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme" }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (text, bom, cuts) => {
          const bytes = Buffer.from(`${bom ? "\uFEFF" : ""}${text}`);
          const expected = await new Response(bytes).text();
          expect(await bodyText(new Response(chunked(bytes, cuts)))).toBe(expected);
        },
      ),
    );
    expect(await bodyText(new Response(null, { status: 204 }))).toBe("");
  });

  it("rejects a body cut short, as text() does", async () => {
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"results":['));
        controller.error(new TypeError("terminated"));
      },
    });
    await expect(bodyText(new Response(cut))).rejects.toThrow("terminated");
  });
});
