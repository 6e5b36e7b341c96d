import { beforeAll, describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import { servedOracleInput } from "../../src/inspector/oracle.ts";
import { DEFAULT_CONNECTION_ID } from "../../src/scenarios/connector-settings.ts";
import { explainChain } from "../../src/scenarios/oracle/explain.ts";
import { builtInConnector } from "../../src/scenarios/steps/built-in-connector.ts";

/**
 * The JSON the inspector reads, through the served world's own fetch: the Confluence and Graph
 * views and the oracle, after a crawl by our connector with a bug injected on the wire (page 1001,
 * restricted to alice, written with an ACL that grants everyone).
 */
const world = serveWorld();
const get = async (path: string) => {
  const response = await world.fetch(`http://127.0.0.1${path}`);
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies freely
  const body: any = await response.json();
  return { status: response.status, body };
};

beforeAll(async () => {
  world.graph.schemaProvisioningMs = 0;
  const leaky: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (init?.method === "PUT" && /\/items\/1001$/.test(url) && typeof init.body === "string") {
      const item = JSON.parse(init.body);
      item.acl = [{ type: "everyone", value: world.directory.tenantId, accessType: "grant" }];
      return world.fetch(input, { ...init, body: JSON.stringify(item) });
    }
    return world.fetch(input, init);
  };
  const report = await builtInConnector(world, undefined, 1, leaky).fullCrawl();
  expect(report.fatal).toBeUndefined();
}, 60_000);

describe("Confluence views under /_sim/confluence/", () => {
  it("lists spaces with permissions and anonymous access", async () => {
    const { body } = await get("/_sim/confluence/spaces");
    expect(body.site).toMatchObject({ name: "contoso", anonymousAccess: true });
    const pub = body.spaces.find((s: { key: string }) => s.key === "PUB");
    expect(pub.anonymous).toEqual({ granted: true, effective: true });
    expect(pub.permissions).toEqual(
      expect.arrayContaining([{ principal: "anonymous", type: "anonymous", operation: "read space" }]),
    );
    const hr = body.spaces.find((s: { key: string }) => s.key === "HR");
    expect(hr).toMatchObject({ anonymous: { granted: false, effective: false }, pages: 5, restricted: 3 });
  });

  it("walks the page tree with own and inherited restrictions, and finds a page's row", async () => {
    const { body } = await get("/_sim/confluence/pages?space=HR&find=2001");
    expect(body.rows.map((r: { id: string; depth: number }) => `${r.depth}:${r.id}`)).toEqual([
      "0:2002",
      "0:2000",
      "1:2001",
      "0:1004",
      "0:1008",
    ]);
    const child = body.rows[2];
    expect(child.read).toBeNull();
    expect(child.inherited).toEqual([
      {
        id: "2000",
        title: "Leadership compensation",
        read: { users: ["Crawler Service"], groups: ["hr-leads"] },
      },
    ]);
    expect(body.index).toBe(2);
    const page = (await get("/_sim/confluence/pages?space=HR&offset=1&limit=1")).body;
    expect(page).toMatchObject({ total: 5, offset: 1, rows: [{ id: "2000" }] });
  });

  it("says who can view a page", async () => {
    const { body } = await get("/_sim/confluence/page?id=2001");
    expect(body.viewers.sort()).toEqual(["Alice", "Crawler Service"]);
    expect(body.anonymous.allowed).toBe(false);
    expect(body.ancestors).toEqual([{ id: "2000", title: "Leadership compensation" }]);
  });

  it("shows hidden emails and guests", async () => {
    const { body } = await get("/_sim/confluence/people");
    expect(body.users.find((u: { displayName: string }) => u.displayName === "Carol")).toMatchObject({
      emailVisible: false,
    });
    expect(body.users.find((u: { displayName: string }) => u.displayName === "Gina")).toMatchObject({
      guest: true,
    });
    expect(body.groups.find((g: { name: string }) => g.name === "hr").members.sort()).toEqual([
      "Alice",
      "Erin",
    ]);
  });

  it("answers clear errors for bad input", async () => {
    expect(await get("/_sim/confluence/pages?space=NOPE")).toMatchObject({
      status: 404,
      body: { error: "no space NOPE" },
    });
    expect((await get("/_sim/confluence/pages?space=HR&limit=0")).status).toBe(400);
    expect((await get("/_sim/confluence/pages?space=HR&offset=-1")).status).toBe(400);
    expect((await get("/_sim/confluence/page")).status).toBe(404);
  });
});

describe("Graph views under /_sim/graph/", () => {
  it("shows each connection's state with the operation table's allowed operations", async () => {
    const { body } = await get("/_sim/graph/connections");
    const conn = body.connections.find((c: { id: string }) => c.id === DEFAULT_CONNECTION_ID);
    expect(conn).toMatchObject({ state: "ready", items: 17 });
    expect(conn.allowed).toContain("createItem");
    expect(conn.refused).toEqual(["createSchema", "deleteSchema"]);
    expect(conn.operations).toMatchObject([{ kind: "schema", status: "completed" }]);
    expect(body.quotas).toMatchObject({ itemsPerConnection: 5_000_000, itemsInTenant: 17 });
  });

  it("lists items with ACLs named and external groups expanded to people", async () => {
    const { body } = await get(`/_sim/graph/items?connection=${DEFAULT_CONNECTION_ID}&q=1001`);
    expect(body.items).toMatchObject([
      { id: "1001", title: "Salary bands", acl: [{ type: "everyone", label: "everyone in the tenant" }] },
    ]);
    const hr = (await get(`/_sim/graph/items?connection=${DEFAULT_CONNECTION_ID}&q=2001`)).body.items[0];
    const group = hr.acl.find((e: { type: string }) => e.type === "externalGroup");
    expect(group.people).toEqual(["alice@contoso.com", "svc-crawler@contoso.com"]);
  });

  it("lists external groups with their members", async () => {
    const { body } = await get(`/_sim/graph/groups?connection=${DEFAULT_CONNECTION_ID}`);
    expect(body.total).toBeGreaterThan(0);
    for (const g of body.groups) expect(g.peopleCount).toBe(g.people.length);
  });

  it("answers 404 for an unknown connection", async () => {
    expect((await get("/_sim/graph/items?connection=nope")).status).toBe(404);
  });
});

describe("the oracle under /_sim/oracle/", () => {
  it("puts the injected over-exposure in the matrix: every user but the ones Confluence admits", async () => {
    const { body } = await get("/_sim/oracle/matrix?items=1001");
    expect(body.connection).toBe(DEFAULT_CONNECTION_ID);
    const states = Object.fromEntries(
      body.users.map((u: { upn: string }, i: number) => [u.upn, body.cells[0][i].state]),
    );
    expect(states).toMatchObject({
      "alice@contoso.com": "allowed",
      "bob@contoso.com": "over",
      "erin@contoso.com": "over",
    });
    const bob = body.users.findIndex((u: { upn: string }) => u.upn === "bob@contoso.com");
    expect(body.cells[0][bob].reason).toContain("Confluence denies");
  });

  it("lists the rows with differences and counts every cell", async () => {
    const { body } = await get("/_sim/oracle/differences");
    expect(body.rows).toContain("1001");
    const cells = Object.values(body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(cells).toBe(body.total * body.users.length);
  });

  it("explains a cell with the same chain as cgsim explain", async () => {
    const { body } = await get("/_sim/oracle/explain?user=bob@contoso.com&item=1001");
    expect(body.state).toBe("over");
    expect(body.lines).toEqual(explainChain(servedOracleInput(world, null), "bob@contoso.com", "1001"));
    expect(body.lines).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
  });

  it("searches as a user and marks the hits Confluence would not show", async () => {
    const { body } = await get("/_sim/oracle/search?user=bob@contoso.com&query=salary");
    expect(body.hits).toMatchObject([{ id: "1001", state: "over" }]);
  });

  it("windows, filters and names items; refuses bad input clearly", async () => {
    const page = (await get("/_sim/oracle/matrix?offset=2&limit=3&find=2001")).body;
    expect(page.items).toHaveLength(3);
    expect(page.index).toBeGreaterThan(0);
    const hr = (await get("/_sim/oracle/matrix?space=HR&users=alice@contoso.com")).body;
    expect(hr.items.map((i: { id: string }) => i.id).sort()).toEqual([
      "1004",
      "1008",
      "2000",
      "2001",
      "2002",
    ]);
    expect(hr.users).toEqual([{ upn: "alice@contoso.com", name: "Alice", guest: false }]);
    expect((await get("/_sim/oracle/matrix?users=nobody@contoso.com")).status).toBe(400);
    expect((await get("/_sim/oracle/explain?user=bob@contoso.com&item=9")).status).toBe(404);
    expect((await get("/_sim/oracle/search?user=bob@contoso.com")).status).toBe(400);
  });
});
