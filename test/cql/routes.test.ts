import { ConfluenceClient } from "confluence.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cqlRoutes } from "../../src/simulators/confluence/cql/index.ts";
import { interceptWithMsw } from "../../src/simulators/host/index.ts";
import { testWorld } from "../support/world.ts";
import { CQL_NOW, CQL_SITE } from "./site.ts";

/**
 * The CQL endpoints end to end: through the Confluence service seam (auth, edge headers), checked
 * against confluence.js 3.x's Zod schemas in strict audit mode, and called by confluence.js 2.x.
 */
type Schema = { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } };
const MODELS = "../../node_modules/confluence-js-3/dist/v1/models";
let searchSchema: Schema;
let contentArraySchema: Schema;

const { host, fetch } = testWorld({ site: CQL_SITE, start: CQL_NOW, confluenceRoutes: cqlRoutes() });
const SITE = "https://acme.atlassian.net";
const auth = (name: string) =>
  `Basic ${Buffer.from(`${name}@acme.example.com:token-${name}`).toString("base64")}`;

async function get(path: string, as = "alice") {
  const res = await fetch(`${SITE}/wiki${path}`, { headers: { authorization: auth(as) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

beforeAll(async () => {
  process.env.AUDIT_SCHEMAS = "true";
  searchSchema = ((await import(`${MODELS}/searchPageResponseSearchResult.js`)) as Record<string, Schema>)
    .SearchPageResponseSearchResultSchema;
  contentArraySchema = ((await import(`${MODELS}/contentArray.js`)) as Record<string, Schema>)
    .ContentArraySchema;
});

describe("GET /wiki/rest/api/search", () => {
  it("answers a SearchPageResponse with highlight markers and a cursor next link", async () => {
    const { status, body } = await get(
      `/rest/api/search?${q({ cql: "title ~ roadmap order by id", limit: "1" })}`,
    );
    expect(status).toBe(200);
    expect(searchSchema.safeParse(body).error?.issues ?? []).toEqual([]);
    const results = body.results as Array<Record<string, unknown>>;
    expect(results[0]).toMatchObject({
      title: "@@@hl@@@Roadmap@@@endhl@@@ 2026",
      url: "/spaces/ENG/pages/101/Roadmap+2026",
      entityType: "content",
      iconCssClass: "aui-icon content-type-page",
      breadcrumbs: [],
      resultGlobalContainer: { title: "Engineering", displayUrl: "/spaces/ENG" },
      lastModified: "2026-03-17T09:30:00.000Z",
    });
    expect(results[0].excerpt).toContain("@@@hl@@@roadmap@@@endhl@@@");
    expect(body).toMatchObject({
      start: 0,
      limit: 1,
      size: 1,
      totalSize: 2,
      cqlQuery: "title ~ roadmap order by id",
    });
    const links = body._links as Record<string, string>;
    expect(links.base).toBe("https://acme.atlassian.net/wiki");
    expect(links.context).toBe("/wiki");
    expect(links.next).toMatch(
      /^\/rest\/api\/search\?next=true&cursor=_f_.+&limit=1&start=1&cql=title\+%7E\+roadmap/,
    );
    const second = await get(links.next);
    expect((second.body.results as Array<{ content: { id: string } }>)[0].content.id).toBe("102");
    expect(second.body.start).toBe(1);
    expect((second.body._links as Record<string, string>).next).toBeUndefined();
    expect((second.body._links as Record<string, string>).prev).toMatch(
      /^\/rest\/api\/search\?prev=true&cursor=_f_.+&start=0&cql=/,
    );
    expect(links.prev).toBeUndefined();
  });

  it("honours excerpt modes and content.* expansions", async () => {
    const none = await get(
      `/rest/api/search?${q({ cql: "id = 101", excerpt: "none", expand: "content.space,content.version" })}`,
    );
    const r = (
      none.body.results as Array<Record<string, { space?: { key: string }; version?: unknown } | string>>
    )[0];
    expect(r.excerpt).toBe("");
    expect((r.content as { space: { key: string } }).space.key).toBe("ENG");
    expect((r.content as { version?: unknown }).version).toBeDefined();
    const indexed = await get(
      `/rest/api/search?${q({ cql: "title ~ roadmap and id = 101", excerpt: "indexed" })}`,
    );
    expect((indexed.body.results as Array<{ title: string }>)[0].title).toBe("Roadmap 2026");
  });

  it("answers bad CQL with the measured 400 body and journals the reason", async () => {
    const { status, body } = await get(`/rest/api/search?${q({ cql: "space in (ENG HR)" })}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      data: { authorized: true, valid: true, errors: [], successful: true },
      message:
        "com.atlassian.confluence.api.service.exceptions.api.BadRequestException: Could not parse cql : space in (ENG HR)",
    });
    const note = host.journal.entries({ operationId: "searchByCQL" }).at(-1)?.notes?.join(" ");
    expect(note).toContain('expected ",", ")"');
    expect((await get(`/rest/api/search?${q({ cql: "user.fullname ~ bob" })}`)).status).toBe(400);
    expect((await get("/rest/api/search")).status).toBe(400);
    const badLimit = await get(`/rest/api/search?${q({ cql: "type = page", limit: "abc" })}`);
    expect(badLimit.status).toBe(400);
    expect(String(badLimit.body.message)).toContain("MethodArgumentTypeMismatchException");
  });
});

describe("GET /wiki/rest/api/content/search", () => {
  it("answers a ContentArray with crawler expansions and a cursor next, no totalSize", async () => {
    const expand =
      "body.storage,version,space,ancestors,history.lastUpdated,metadata.labels,restrictions.read.restrictions.user,restrictions.read.restrictions.group";
    const { status, body } = await get(
      `/rest/api/content/search?${q({ cql: "ancestor = 100 order by id", limit: "2", expand })}`,
    );
    expect(status).toBe(200);
    expect(contentArraySchema.safeParse(body).error?.issues ?? []).toEqual([]);
    expect(body.totalSize).toBeUndefined();
    const results = body.results as Array<{
      id: string;
      body: { storage: { value: string } };
      ancestors: { id: string }[];
    }>;
    expect(results.map((r) => r.id)).toEqual(["101", "102"]);
    expect(results[1].ancestors.map((a) => a.id)).toEqual(["100", "101"]);
    expect(results[0].body.storage.value).toContain("advanced search");
    expect((body._links as Record<string, string>).next).toMatch(
      /^\/rest\/api\/content\/search\?next=true&cursor=/,
    );
  });
});

describe("confluence.js 2.x against the twin", () => {
  let server: ReturnType<typeof interceptWithMsw>;
  beforeAll(() => {
    server = interceptWithMsw(host);
  });
  afterAll(() => server.close());

  const client = new ConfluenceClient({
    host: SITE,
    authentication: { basic: { email: "alice@acme.example.com", apiToken: "token-alice" } },
  });

  it("search.searchByCQL and content.searchContentByCQL succeed", async () => {
    const found = await client.search.searchByCQL({
      cql: "type = page and space = ENG order by id",
      limit: 3,
    });
    expect(found.results.map((r) => r.content?.id)).toEqual(["100", "101", "102"]);
    expect(found._links?.next).toBeDefined();
    const content = await client.content.searchContentByCQL({
      cql: "label = public order by id",
      expand: ["version"],
    });
    expect(content.results.map((c) => c.id)).toEqual(["100", "101"]);
  });
});
