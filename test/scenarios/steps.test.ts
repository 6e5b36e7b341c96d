import { describe, expect, it } from "vitest";
import type { CrawlReport } from "../../src/connector/report.ts";
import type { RunContext } from "../../src/scenarios/context.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { failureText } from "../../src/scenarios/reporters.ts";
import type { ScenarioResult } from "../../src/scenarios/results.ts";
import { type RunOptions, runScenario } from "../../src/scenarios/runner.ts";

async function run(yaml: string, options: RunOptions = {}): Promise<ScenarioResult> {
  return runScenario(loadScenarioText(`name: t\n${yaml}`, "t.yaml"), options);
}
async function passes(yaml: string, options?: RunOptions) {
  const r = await run(yaml, options);
  if (!r.ok) throw new Error(failureText(r));
  return r;
}
async function fails(yaml: string) {
  const r = await run(yaml);
  expect(r.ok).toBe(false);
  return failureText(r);
}
/** Runs and hands the live context after the last step to `fn`. */
async function inspect(yaml: string, fn: (ctx: RunContext) => void) {
  let seen = false;
  await run(yaml, {
    inspect: {
      fn: (ctx) => {
        fn(ctx);
        seen = true;
      },
    },
  });
  expect(seen).toBe(true);
}

describe("Confluence change steps", () => {
  it("create, edit, move, label, trash, archive, restore, purge", async () => {
    await inspect(
      `steps:
  - confluence:
      - create: { space: ENG, id: 5000, title: New page, parent: 1000, labels: [fresh], read: [group:eng] }
      - create: { space: ENG, id: 5001, type: blogpost, title: News, author: bob }
      - edit: { page: 1002, title: Roadmap 2027, body: "<p>next</p>" }
      - move: { page: 1006, parent: 1000 }
      - label: { page: 1002, add: [q1], remove: [planning] }
      - trash: 1003
      - archive: { page: 1000 }
      - restore: 1010
      - purge: 5001
`,
      ({ world }) => {
        const s = world.confluence.store;
        const page = s.requireContent("5000");
        expect([
          page.parentId,
          page.labels.map((l) => l.name),
          page.restrictions.read?.groups.length,
        ]).toEqual(["1000", ["fresh"], 1]);
        expect(s.requireContent("1002")).toMatchObject({ title: "Roadmap 2027", body: "<p>next</p>" });
        expect(s.requireContent("1002").labels.map((l) => l.name)).toEqual(["roadmap", "q1"]);
        expect(s.requireContent("1006").parentId).toBe("1000");
        expect(s.requireContent("1003").status).toBe("trashed");
        expect(s.requireContent("1000").status).toBe("archived");
        expect(s.requireContent("1010").status).toBe("current");
        expect(s.content.has("5001")).toBe(false);
      },
    );
  });

  it("restrict, unrestrict, group membership, space permission, anonymous, hide email, deactivate", async () => {
    await passes(`steps:
  - confluence:
      - restrict: { page: 1002, read: [user:bob] }
      - group: { name: auditors, create: true, add: [erin] }
      - spacePermission: { space: ENG, grant: [group:auditors], revoke: [group:eng] }
      - anonymous: false
      - hideEmail: alice
      - user: { name: frank, active: false }
  - expect:
      access:
        - { as: bob, cannotView: [1002] }
        - { as: erin, views: [1000], cannotView: [1002] }
        - { as: alice, cannotView: [1000] }
        - { as: frank, cannotView: [3002] }
  - confluence:
      - unrestrict: { page: 1002, operation: read }
      - hideEmail: { user: alice, hidden: false }
  - expect:
      access: { as: erin, views: [1002] }
`);
  });

  it("revoking a user's API tokens fails Basic auth with them", async () => {
    await inspect(
      `steps:
  - confluence: { revokeApiTokens: alice }
`,
      ({ world }) => {
        // End to end (a crawl failing with 1002): scenarios/customer-bugs/s31-token-revoked.yaml.
        expect(world.confluence.store.userByEmail("alice@contoso.com")?.apiTokens).toEqual([]);
      },
    );
  });

  it("reports a domain error as a failed step, with the message", async () => {
    const text = await fails(`steps:
  - confluence: { create: { space: ENG, title: Roadmap } }
`);
    expect(text).toContain("t.yaml:3: step 1 (confluence) failed:");
    expect(text).toContain("A page already exists with the same TITLE in this space");
  });
});

describe("directory, Graph, clock and fault steps", () => {
  it("directory changes", async () => {
    await inspect(
      `steps:
  - directory:
      - addUser: { upn: zoe@contoso.com }
      - addGroup: { name: Auditors, members: [zoe@contoso.com] }
      - addMember: { group: Auditors, member: bob@contoso.com }
      - removeMember: { group: Auditors, member: zoe@contoso.com }
      - updateUser: { upn: erin@contoso.com, enabled: false }
      - removeUser: frank@contoso.com
`,
      ({ world }) => {
        const d = world.directory;
        expect(d.group("Auditors")!.members.map((m) => d.users.get(m.id)?.userPrincipalName)).toEqual([
          "bob@contoso.com",
        ]);
        expect(d.user("erin@contoso.com")!.accountEnabled).toBe(false);
        expect(d.user("frank@contoso.com")).toBeUndefined();
      },
    );
  });

  it("clock advance and set", async () => {
    await inspect("steps:\n  - clock: { advance: 1h30m }\n", ({ world }) =>
      expect(world.clock.iso()).toBe("2026-01-01T01:30:00.000Z"),
    );
    await inspect(
      "start: 2025-05-01T00:00:00Z\nsteps:\n  - clock: { set: 2025-06-01T12:00:00Z }\n",
      ({ world }) => expect(world.clock.iso()).toBe("2025-06-01T12:00:00.000Z"),
    );
  });

  it("faults: per-service shorthand, full plans with the scenario seed, and clear", async () => {
    await inspect(
      "seed: 9\nsteps:\n  - faults: { graph: { status: 503, retryAfter: 3 }, confluence: [{ path: /wiki/api/v2/spaces, status: 429, requests: [1] }] }\n",
      ({ world }) =>
        expect(world.host.faults.spec).toEqual({
          seed: 9,
          rules: [
            { path: "/wiki/api/v2/spaces", status: 429, requests: [1], service: "confluence" },
            { status: 503, retryAfter: 3, service: "graph" },
          ],
        }),
    );
    await inspect(
      "steps:\n  - faults: { seed: 4, rules: [{ drop: true, times: 1 }] }\n  - faults: clear\n",
      ({ world }) => expect(world.host.faults.spec).toEqual({ seed: 1, rules: [] }),
    );
  });

  it("graph quota and obsolete connections after a crawl", async () => {
    await passes(`steps:
  - crawl: full
  - graph: { obsolete: true }
  - expect: { connection: { state: obsolete } }
  - graph: [{ obsolete: false }, { quota: { items: 5 } }]
  - expect: { connection: { state: limitExceeded } }
`);
  });
});

describe("crawl steps", () => {
  it("records the report; a connector failure fails the step unless `fails: true`", async () => {
    await passes(`steps:
  - faults: { login: { status: 500 } }
  - crawl: { mode: full, fails: true }
  - expect: { connection: { exists: false } }
`);
    const text = await fails("steps:\n  - faults: { login: { status: 500 } }\n  - crawl: full\n");
    expect(text).toMatch(/step 2 \(crawl\) failed:\n {2}crawl full stopped during setup: \[\d+\]/);
  });

  it("a crawl that gives up while listing keeps its partial report; its summary and failure say where it stopped", async () => {
    // The second space's page listing answers 429 until the connector gives up (three attempts).
    const scenario = (crawl: string) => `connector:
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }
steps:
  - faults:
      confluence: { path: "/wiki/api/v2/spaces/*/pages", status: 429, retryAfter: 10, requests: [2, 3, 4] }
  - ${crawl}
`;
    let report: CrawlReport | undefined;
    const result = await passes(scenario("crawl: { mode: full, fails: true }"), {
      inspect: {
        fn: (ctx) => {
          report = ctx.crawls[0].report;
        },
      },
    });
    expect(report).toMatchObject({ complete: false, fatal: { code: 1001, phase: "listing" } });
    const { space } = report!.fatal!;
    const { discovered, indexed } = report!.counts;
    expect(indexed).toBeGreaterThan(0); // the first space was written before the second failed
    // The fault figures follow: three 429s, each retried after its Retry-After.
    expect(result.steps[1].summary).toMatch(
      new RegExp(
        `^crawl full: stopped with 1001 while listing \\(space ${space}\\); so far ${discovered} discovered, ${indexed} indexed, 0 unchanged, 0 failed, 0 deleted — faults: 3 of \\d+ requests \\([\\d.]+%: 429×3\\); retried 2, Retry-After honoured 2/2, waited [\\d.]+ s$`,
      ),
    );
    const text = await fails(scenario("crawl: full"));
    expect(text).toContain(
      `crawl full stopped while listing (space ${space}): [1001] The data source is throttling the connector: confluence 429`,
    );
  });

  it("gives the same index over the direct, msw and http transports", async () => {
    const indexes: string[] = [];
    for (const transport of ["direct", "msw", "http"] as const) {
      await run("steps:\n  - crawl: full\n", {
        transport,
        inspect: {
          fn: ({ world }) => {
            const conn = world.graph.connection("confluencecloud1")!;
            indexes.push(JSON.stringify([...conn.items.keys()].sort()));
          },
        },
      });
    }
    expect(indexes[0]).toContain('"1001"');
    expect(new Set(indexes).size).toBe(1);
  });
});

describe("msw transport", () => {
  it("survives clients that discard throttled bodies (msw's body.cancel never settles)", async () => {
    await passes(
      `seed: 27
steps:
  - faults: { confluence: { status: 429, retryAfter: 20, probability: 0.2 } }
  - crawl: full
  - expect:
      items: { include: [1001, 2001] }
      retries: { honourRetryAfter: true }
`,
      { transport: "msw" },
    );
  });
});

describe("connector step", () => {
  it("merges settings into the built-in connector's and keeps its crawl state", async () => {
    await inspect(
      `connector: { permissions: everyone, anonymousAccess: false }
steps:
  - crawl: full
  - connector: { cql: space = ENG }
`,
      (ctx) => {
        expect(ctx.settings).toMatchObject({ permissions: "everyone", cql: "space = ENG" });
        expect(ctx.connector?.config.confluence.cql).toBe("space = ENG");
        expect(ctx.connector?.config.permissions.mode).toBe("everyone");
        // The step names only cql: the scenario's other settings stay, defaults do not creep in.
        expect(ctx.connector?.config.confluence.anonymousAccess).toBe(false);
      },
    );
  });

  it("refuses to change an external connector, and names the keys it cannot change", async () => {
    const text = await fails(`connector: { command: [node, x.mjs] }
steps:
  - connector: { cql: space = ENG }
`);
    expect(text).toContain("a connector step changes the built-in connector");
    expect(() =>
      loadScenarioText("name: t\nsteps:\n  - connector: { connectionId: other }\n", "t.yaml"),
    ).toThrow(/connectionId/);
  });
});

describe("graph request step", () => {
  it("sends a raw Graph call as the connector's app, with placeholders filled in", async () => {
    await inspect(
      `steps:
  - crawl: full
  - graph:
      request:
        method: PUT
        path: /v1.0/external/connections/{connectionId}/items/9001
        body:
          acl: [{ type: user, value: "{user:alice@contoso.com}", accessType: grant }]
          properties: { title: Raw }
          content: { type: text, value: raw }
`,
      (ctx) => {
        const item = ctx.world.graph.connections.get(ctx.connectionId)?.items.get("9001");
        expect(item?.acl).toEqual([
          { type: "user", value: ctx.world.directory.user("alice@contoso.com")!.id, accessType: "grant" },
        ]);
      },
    );
  });

  it("fails the step on an unexpected status, quoting Graph's error", async () => {
    const text = await fails(`steps:
  - graph:
      request: { method: GET, path: "/v1.0/external/connections/nosuch", status: 200 }
`);
    expect(text).toContain("graph GET /v1.0/external/connections/nosuch → 404, expected 200:");
    expect(text).toMatch(/"code":/);
  });

  it("names an unknown person in a placeholder at load time, and a site user name works", async () => {
    expect(() =>
      loadScenarioText(
        `name: t
steps:
  - graph:
      request: { method: GET, path: "/v1.0/external/connections/{user:nobody@contoso.com}" }
`,
        "t.yaml",
      ),
    ).toThrow(
      /t\.yaml:4:\d+: steps\[0\]\.graph\.request\.path: unknown directory user "nobody@contoso\.com"/,
    );
    // dave's Confluence email is the Entra mail of dsmith@contoso.com: the placeholder is his object id.
    const loaded = loadScenarioText(
      `name: t
steps:
  - graph:
      request: { method: GET, path: "/v1.0/users/{user:dave}", status: [200, 403, 404] }
`,
      "t.yaml",
    );
    expect(loaded.scenario.steps[0]).toEqual({
      graph: { request: expect.objectContaining({ path: "/v1.0/users/{user:dsmith@contoso.com}" }) },
    });
  });
});

describe("run options", () => {
  it("responseCache: false reaches the world's host (cgsim run --no-response-cache)", async () => {
    const seen: boolean[] = [];
    for (const responseCache of [undefined, false]) {
      await run("steps:\n  - clock: { advance: 1m }\n", {
        responseCache,
        inspect: { fn: (ctx) => void seen.push(ctx.world.host.responseCache) },
      });
    }
    expect(seen).toEqual([true, false]);
  });
});
