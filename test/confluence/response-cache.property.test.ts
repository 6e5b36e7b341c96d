import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountIdFor } from "../../src/simulators/confluence/seed.ts";
import { testWorld } from "../support/world.ts";
import { basic, SITE } from "./v1/site.ts";

const APP = {
  clientId: "cache-app",
  clientSecret: "s3cret",
  name: "Cache",
  redirectUris: ["https://app.example.com/cb"],
};

/** One twin behind a host, with or without the response cache, plus an OAuth token for alice. */
function world(responseCache: boolean) {
  const {
    clock,
    confluence: twin,
    host,
    fetch,
  } = testWorld({
    site: SITE,
    confluence: { oauth: { apps: [APP] } },
    responseCache,
  });
  const token = twin.oauth.issueTokens({
    clientId: APP.clientId,
    accountId: accountIdFor("alice"),
    scopes: ["read:page:confluence", "read:content-details:confluence", "read:confluence-user"],
  }).access_token;
  return { clock, twin, host, fetch, token };
}
type World = ReturnType<typeof world>;

const PATHS = [
  "/api/v2/pages?limit=3",
  "/api/v2/pages/1002",
  "/api/v2/pages/1004?body-format=storage",
  "/api/v2/pages/1001/children",
  "/api/v2/spaces",
  "/rest/api/content/1003?expand=restrictions.read.restrictions.user",
  "/rest/api/content/1002/restriction/byOperation",
  "/rest/api/user/current",
  "/rest/api/user?accountId=" + accountIdFor("carol"),
  "/rest/api/search?cql=type%3Dpage%20and%20lastmodified%20%3E%3D%20now(%22-1h%22)",
  "/rest/api/space/PUB?expand=permissions",
  "/rest/api/group",
  "/rest/api/content/1004/restriction/byOperation/read",
];
const CALLERS = ["alice", "bob", "carol", "dave", null, "oauth"] as const;

type Step =
  | { kind: "get"; path: string; caller: (typeof CALLERS)[number]; gateway: boolean }
  | { kind: "mutate"; which: number };

/** State changes a scenario can make; each must invalidate whatever answers it affects. */
const MUTATIONS: ((w: World) => void)[] = [
  (w) => w.twin.store.setRestriction("1003", "read", { users: [accountIdFor("dave")], groups: [] }),
  (w) => w.twin.store.setRestriction("1002", "read", null),
  (w) => w.twin.store.updateUser(accountIdFor("carol"), { emailVisible: true }),
  (w) => w.twin.store.addGroupMember(w.twin.store.requireGroup("eng").id, accountIdFor("dave")),
  (w) => w.twin.store.setAnonymousAccess(true),
  (w) => w.twin.store.updateContent("1001", { title: "Eng Home v2" }),
  (w) => w.twin.store.setStatus("1005", "trashed"),
  (w) => w.twin.setV1Removal({ basic: "removed" }),
  (w) => w.clock.advance(2 * 3600_000),
  (w) => w.twin.oauth.revoke(accountIdFor("alice")),
  (w) =>
    w.twin.addScopedApiToken({
      user: accountIdFor("bob"),
      token: "token-bob",
      scopes: ["read:page:confluence"],
    }),
  (w) => w.twin.store.updateUser(accountIdFor("bob"), { apiTokens: [] }),
  (w) => {
    const leads = w.twin.store.groupByName("leads") ?? w.twin.store.requireGroup("team-leads");
    w.twin.store.renameGroup(leads.id, leads.name === "leads" ? "team-leads" : "leads");
  },
  (w) =>
    w.twin.store.updateUser(accountIdFor("carol"), {
      email: "carol.new@acme.example.com",
      displayName: "Carol N",
    }),
  (w) => w.twin.reset(),
];

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("get" as const),
      path: fc.constantFrom(...PATHS),
      caller: fc.constantFrom(...CALLERS),
      gateway: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("mutate" as const), which: fc.nat(MUTATIONS.length - 1) }),
    weight: 1,
  },
);

async function answer(w: World, s: Extract<Step, { kind: "get" }>) {
  const base = s.gateway
    ? `https://api.atlassian.com/ex/confluence/${w.twin.store.site.cloudId}/wiki`
    : "https://acme.atlassian.net/wiki";
  const authorization =
    s.caller === null ? undefined : s.caller === "oauth" ? `Bearer ${w.token}` : basic(s.caller);
  const res = await w.fetch(`${base}${s.path}`, { headers: authorization ? { authorization } : {} });
  const headers = [...res.headers].filter(([k]) => k !== "atl-request-id" && k !== "atl-traceid");
  return { status: res.status, headers, body: await res.text() };
}

describe("Confluence response cache", () => {
  it("answers every GET exactly as an uncached twin does, whatever changes in between", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const cached = world(true);
        const plain = world(false);
        // Before every change, ask the cached twin every GET of the run: each later GET then
        // finds an entry stored before the change, and must not be answered from it.
        const gets = steps.filter((s) => s.kind === "get");
        for (const s of steps) {
          if (s.kind === "mutate") {
            for (const g of gets) await answer(cached, g);
            MUTATIONS[s.which](cached);
            MUTATIONS[s.which](plain);
            continue;
          }
          expect(await answer(cached, s)).toEqual(await answer(plain, s));
        }
      }),
      { numRuns: 80, seed: 20261123 },
    );
  });

  it("replays a repeated GET with a fresh request id and the same bytes", async () => {
    const w = world(true);
    const get = () =>
      w.fetch("https://acme.atlassian.net/wiki/api/v2/pages?limit=3", {
        headers: { authorization: basic("alice") },
      });
    const first = await get();
    const second = await get();
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get("atl-request-id")).not.toBe(first.headers.get("atl-request-id"));
    expect(w.host.journal.entries({ operationId: "getPages" })).toHaveLength(2);
  });

  it("is bypassed while burst rate limits are on: every call takes from its bucket", async () => {
    const w = world(true);
    w.twin.rateLimits.configure({ rules: [{ capacity: 2, refillPerSecond: 0.001 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await w.fetch("https://acme.atlassian.net/wiki/api/v2/spaces", {
        headers: { authorization: basic("alice") },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
