import { describe, expect, it } from "vitest";
import { MAX_CQL_CLAUSES, MAX_CQL_NESTING } from "../../src/simulators/confluence/cql/parser.ts";
import { MAX_JSON_DEPTH } from "../../src/simulators/graph/routes/common.ts";
import { MAX_FILTER_CLAUSES, MAX_FILTER_LENGTH } from "../../src/simulators/graph/routes/directory.ts";
import { MAX_KQL_LENGTH, MAX_KQL_NESTING } from "../../src/simulators/graph/search/kql.ts";
import { jsonNestsDeeperThan } from "../../src/util/json-depth.ts";
import { contosoForFile } from "./served.ts";

/**
 * Every grammar the twins parse refuses input past its documented limit with the service's own
 * 400, never a 500 from a blown stack (docs/fidelity/host.md "Limits").
 */
const s = contosoForFile();

describe("CQL on both search routes", () => {
  const cqlCases: Record<string, string> = {
    "5,000 open parentheses": "(".repeat(5000),
    "6,000 balanced parentheses": `${"(".repeat(6000)}type = page${")".repeat(6000)}`,
    "10,000 NOTs": `${"not ".repeat(10_000)}type = page`,
    [`${MAX_CQL_NESTING + 1} nested groups`]: `type = page and ${"(".repeat(MAX_CQL_NESTING + 1)}type = page${")".repeat(MAX_CQL_NESTING + 1)}`,
    [`${MAX_CQL_CLAUSES + 1} clauses`]: Array.from(
      { length: MAX_CQL_CLAUSES + 1 },
      (_, i) => `id = ${i}`,
    ).join(" or "),
  };
  for (const path of ["/wiki/rest/api/search", "/wiki/rest/api/content/search"]) {
    for (const [name, cql] of Object.entries(cqlCases)) {
      it(`${path}: ${name} → 400 Could not parse cql`, async () => {
        // The direct transport: no URL length cap in front of the route.
        const res = await s.world.fetch(
          `https://contoso.atlassian.net${path}?cql=${encodeURIComponent(cql)}`,
          {
            headers: { authorization: s.confluenceAuth },
          },
        );
        expect(res.status).toBe(400);
        const body = (await res.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(400);
        expect(body.message).toContain("Could not parse cql");
      });
    }
    it(`${path}: ${MAX_CQL_NESTING} levels and ${MAX_CQL_CLAUSES} clauses still answer 200`, async () => {
      const deep = `type = page and ${"(".repeat(MAX_CQL_NESTING)}type = page${")".repeat(MAX_CQL_NESTING)}`;
      const long = Array.from({ length: MAX_CQL_CLAUSES }, (_, i) => `id = ${i}`).join(" or ");
      for (const cql of [deep, long]) {
        const res = await s.world.fetch(
          `https://contoso.atlassian.net${path}?cql=${encodeURIComponent(cql)}`,
          {
            headers: { authorization: s.confluenceAuth },
          },
        );
        expect(res.status).toBe(200);
      }
    });
  }

  it("over http too: 5,000 '(' is a 400 in Confluence's v1 shape", async () => {
    const res = await fetch(`${s.url}/wiki/rest/api/search?cql=${"(".repeat(5000)}`, {
      headers: { authorization: s.confluenceAuth },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("Could not parse cql");
  });
});

describe("KQL on /search/query", () => {
  const search = async (queryString: string) => {
    const res = await fetch(`${s.url}/v1.0/search/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${await s.userToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ entityTypes: ["externalItem"], query: { queryString } }] }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };

  it.each([
    ["10,000 nested parentheses", `${"(".repeat(10_000)}zebra${")".repeat(10_000)}`],
    ["10,000 NOTs", `${"NOT ".repeat(10_000)}zebra`],
    [`a query of ${MAX_KQL_LENGTH + 1} characters`, "z".repeat(MAX_KQL_LENGTH + 1)],
    [
      `${MAX_KQL_NESTING + 1} nested groups`,
      `${"(".repeat(MAX_KQL_NESTING + 1)}zebra${")".repeat(MAX_KQL_NESTING + 1)}`,
    ],
    [`${MAX_KQL_NESTING + 1} leading minus signs`, `${"-(".repeat(MAX_KQL_NESTING)}zebra`],
  ])("%s → 400 BadRequest", async (_name, query) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body.error?.code).toBe("BadRequest");
    expect(body.error?.message).toMatch(/^SearchRequest Invalid \(/);
  });

  it(`${MAX_KQL_NESTING} levels still search`, async () => {
    const { status } = await search(`${"(".repeat(MAX_KQL_NESTING)}zebra${")".repeat(MAX_KQL_NESTING)}`);
    expect(status).toBe(200);
  });
});

describe("$filter on /users", () => {
  // The direct transport: over http node itself refuses request lines past 16 KB (431).
  const users = async (filter: string) => {
    const res = await s.world.fetch(
      `https://graph.microsoft.com/v1.0/users?$filter=${encodeURIComponent(filter)}`,
      {
        headers: { authorization: `Bearer ${await s.appToken()}` },
      },
    );
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };

  it(`${MAX_FILTER_CLAUSES + 1} or-clauses → 400 Request_UnsupportedQuery`, async () => {
    const filter = Array.from({ length: MAX_FILTER_CLAUSES + 1 }, (_, i) => `mail eq 'u${i}@x.com'`).join(
      " or ",
    );
    const { status, body } = await users(filter);
    expect(status).toBe(400);
    expect(body.error?.code).toBe("Request_UnsupportedQuery");
    expect(body.error?.message).toContain(`Max allowed: ${MAX_FILTER_CLAUSES}`);
  });

  it(`a filter longer than ${MAX_FILTER_LENGTH} characters → 400, and long runs of spaces cost no backtracking`, async () => {
    const long = await users(`mail eq '${"x".repeat(MAX_FILTER_LENGTH)}'`);
    expect(long.status).toBe(400);
    expect(long.body.error?.code).toBe("Request_UnsupportedQuery");
    const spaces = await users(`mail eq${" ".repeat(MAX_FILTER_LENGTH - 20)}x`);
    expect(spaces.status).toBe(400);
  });

  it(`${MAX_FILTER_CLAUSES} clauses still answer 200`, async () => {
    const filter = Array.from({ length: MAX_FILTER_CLAUSES }, (_, i) => `mail eq 'u${i}@x.com'`).join(" or ");
    expect((await users(filter)).status).toBe(200);
  });
});

describe("JSON bodies on Graph", () => {
  it(`nested deeper than ${MAX_JSON_DEPTH} → 400 BadRequest before anything walks the value`, async () => {
    const res = await fetch(`${s.url}/v1.0/external/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${await s.appToken()}`, "content-type": "application/json" },
      body: `{"id":"deep","name":"x","description":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BadRequest");
    expect(body.error.message).toContain(`maximum depth of ${MAX_JSON_DEPTH}`);
  });

  it("the depth scan skips brackets inside strings and escaped quotes", () => {
    expect(jsonNestsDeeperThan(`{"a":"[[[[\\"[[["}`, 1)).toBe(false);
    expect(jsonNestsDeeperThan(`{"a":[[1]]}`, 2)).toBe(true);
    expect(jsonNestsDeeperThan(`{"a":[[1]]}`, 3)).toBe(false);
  });
});
