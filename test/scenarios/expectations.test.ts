import { beforeAll, describe, expect, it } from "vitest";
import type { RunContext } from "../../src/scenarios/context.ts";
import { checkExpectation, expectationSchema } from "../../src/scenarios/expect/registry.ts";
import { retryViolations } from "../../src/scenarios/expect/retries.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import type { JournalEntry } from "../../src/simulators/host/journal.ts";

/** One crawled world shared by the checks below (expectations only read state). */
let ctx: RunContext;
beforeAll(async () => {
  await runScenario(loadScenarioText("name: t\nsteps:\n  - crawl: full\n", "t.yaml"), {
    inspect: {
      fn: (c) => {
        ctx = c;
      },
    },
  });
});
const check = (e: unknown) => checkExpectation(ctx, expectationSchema.parse(e));

describe("expectations against a crawled contoso world", () => {
  it("connection", async () => {
    expect(await check({ connection: { state: "ready", exists: true } })).toEqual([]);
    expect(await check({ connection: { state: "draft" } })).toEqual([
      "connection: state is ready, expected draft",
    ]);
  });

  it("items: count, include, exclude", async () => {
    expect(await check({ items: { include: [1001, "2001"], exclude: [1007] } })).toEqual([]);
    expect(await check({ items: { count: 1, include: [1007], exclude: [1001] } })).toEqual([
      expect.stringMatching(/^items: \d+ in the index, expected 1$/),
      "items: missing [1007]",
      "items: should not be indexed [1001]",
    ]);
  });

  it("item properties and content", async () => {
    expect(await check({ item: { id: 1002, properties: { title: "Roadmap", spaceKey: "ENG" } } })).toEqual(
      [],
    );
    expect(await check({ item: [{ id: 1002, properties: { title: "Nope" } }, { id: 1007 }] })).toEqual([
      'item 1002: property title is "Roadmap", expected "Nope"',
      "item 1007: not in the index",
    ]);
  });

  it("acl: audience and exact entries", async () => {
    expect(await check({ acl: { item: 1001, audience: ["alice", "svc-crawler@contoso.com"] } })).toEqual([]);
    const [msg] = await check({ acl: { item: 1001, audience: ["alice", "bob"] } });
    expect(msg).toBe(
      "acl 1001: grants [alice@contoso.com, svc-crawler@contoso.com], expected [alice@contoso.com, bob@contoso.com]; missing [bob@contoso.com]; unexpected [svc-crawler@contoso.com]",
    );
    expect(await check({ acl: { item: 3001, grant: ["everyone"], deny: [] } })).toEqual([]);
    expect(await check({ acl: { item: 3001, grant: ["xg:eng"] } })).toEqual([
      "acl 3001: grant is [everyone], expected [xg:eng]; missing [xg:eng]; unexpected [everyone]",
    ]);
  });

  it("external groups by Confluence group name", async () => {
    expect(await check({ externalGroup: { id: "eng", members: ["alice@contoso.com", "bob"] } })).toEqual([]);
    expect(await check({ externalGroup: { id: "legal", members: ["alice@contoso.com"] } })).toEqual([
      "externalGroup legal: members are [user:frank@contoso.com], expected [user:alice@contoso.com]",
    ]);
    const failures = await check({ externalGroup: { id: "no-such-group" } });
    expect(failures).toEqual(["externalGroup no-such-group: no external group no-such-group"]);
  });

  it("search finds/misses, with the explanation on failure", async () => {
    expect(await check({ search: { as: "alice@contoso.com", query: "salary", finds: [1001] } })).toEqual([]);
    const [msg] = await check({ search: { as: "bob@contoso.com", query: "salary", finds: [1001] } });
    expect(msg).toContain('search as bob@contoso.com for "salary": does not find 1001');
    expect(msg).toContain('view restriction on "Salary bands" (1001) does not list user Bob');
    expect(msg).toContain("Verdict: agree (both deny)");
  });

  it("resolve", async () => {
    expect(
      await check({
        resolve: { url: "https://contoso.atlassian.net/wiki/spaces/ENG/pages/1002/Roadmap", to: 1002 },
      }),
    ).toEqual([]);
    expect(await check({ resolve: { url: "https://elsewhere.example/x", to: 1002 } })).toEqual([
      "resolve https://elsewhere.example/x: unresolved, expected 1002",
    ]);
  });

  it("connector errors by code", async () => {
    expect(await check({ errors: { codes: [2006] } })).toEqual([]);
    expect(await check({ errors: { none: true } })).toEqual([
      expect.stringMatching(/^errors: expected none, reported \[.*2006/),
    ]);
    expect(await check({ errors: { codes: [1009] } })).toEqual([
      expect.stringMatching(/^errors: \[1009\] not reported/),
    ]);
  });

  it("request budget", async () => {
    expect(await check({ requests: { service: "confluence", perItem: 20 } })).toEqual([]);
    expect(await check({ requests: { service: "confluence", max: 1 } })).toEqual([
      expect.stringMatching(/^requests: \d+ confluence calls, budget 1$/),
    ]);
  });

  it("request filters: method, operation, status, path; at least / at most", async () => {
    expect(await check({ requests: { service: "graph", method: "put", min: 1 } })).toEqual([]);
    expect(await check({ requests: { service: "graph", method: "DELETE", max: 0 } })).toEqual([]);
    expect(await check({ requests: { service: "confluence", operationId: "getSpaces", min: 1 } })).toEqual(
      [],
    );
    expect(await check({ requests: { service: "confluence", status: 500, max: 0 } })).toEqual([]);
    expect(
      await check({ requests: { service: "graph", path: "/v1.0/external/connections/*/items/*", min: 1 } }),
    ).toEqual([]);
    expect(
      await check({ requests: { service: "confluence", operationId: "noSuchOperation", min: 1 } }),
    ).toEqual(["requests: 0 confluence noSuchOperation calls, expected at least 1"]);
    expect(await check({ requests: { service: "graph", method: "PUT", max: 0 } })).toEqual([
      expect.stringMatching(/^requests: \d+ graph PUT calls, budget 0$/),
    ]);
  });

  it("access truth and content state", async () => {
    expect(
      await check({
        access: { as: "erin", cannotView: [2001] },
        content: { id: 2001, parent: 2000, space: "HR" },
      }),
    ).toEqual([]);
    const [msg] = await check({ access: { as: "erin", views: [2001] } });
    expect(msg).toContain('access: erin cannot view 2001 "Compensation appendix"');
    expect(msg).toContain('✗ restriction: view restriction on ancestor "Leadership compensation" (2000)');
    expect(await check({ content: { id: 2001, status: "trashed" } })).toEqual([
      "content 2001: status is current, expected trashed",
    ]);
  });

  it("parity", async () => {
    expect(await check({ parity: { overExposed: 0, underExposed: 0 } })).toEqual([]);
  });
});

describe("retry discipline over the journal", () => {
  const entry = (seq: number, at: string, status = 200, retryAfter?: number): JournalEntry => ({
    seq,
    at,
    method: "GET",
    url: "https://contoso.atlassian.net/wiki/api/v2/pages",
    host: "contoso.atlassian.net",
    path: "/wiki/api/v2/pages",
    service: "confluence",
    operationId: "getPages",
    status,
    durationMs: 1,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });

  it("flags a retry before Retry-After and accepts one after", () => {
    expect(
      retryViolations([entry(1, "2026-01-01T00:00:00Z", 429, 20), entry(2, "2026-01-01T00:00:05Z")]),
    ).toEqual([
      "retries: GET /wiki/api/v2/pages retried at 2026-01-01T00:00:05Z, 15.0s before the Retry-After of request #1 elapsed",
    ]);
    expect(
      retryViolations([entry(1, "2026-01-01T00:00:00Z", 429, 20), entry(2, "2026-01-01T00:00:20Z")]),
    ).toEqual([]);
    const post = (seq: number, at: string, status = 200, retryAfter?: number) => ({
      ...entry(seq, at, status, retryAfter),
      method: "POST",
    });
    expect(
      retryViolations([post(1, "2026-01-01T00:00:00Z", 429, 20), post(2, "2026-01-01T00:00:00Z")]),
    ).toEqual([]);
  });
});
