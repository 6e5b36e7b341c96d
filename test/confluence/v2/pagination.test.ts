import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Content } from "../../../src/simulators/confluence/model.ts";
import { AccessEvaluator } from "../../../src/simulators/confluence/permissions.ts";
import { BASE, followAll, get, makeTwin, spaceId } from "./helpers.ts";
import { buildRandomSite, treeArb } from "./random-site.ts";

const SORTS = [
  "id",
  "-id",
  "created-date",
  "-created-date",
  "modified-date",
  "-modified-date",
  "title",
  "-title",
];

/** The expected order, computed independently of the route code. */
function expectedOrder(items: Content[], sort: string): string[] {
  const desc = sort.startsWith("-");
  const field = desc ? sort.slice(1) : sort;
  const key = (c: Content): number | string =>
    field === "id"
      ? Number(c.id)
      : field === "created-date"
        ? c.createdAt
        : field === "modified-date"
          ? c.version.createdAt
          : c.title;
  return [...items]
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const primary = x < y ? -1 : x > y ? 1 : 0;
      return (desc ? -1 : 1) * (primary || Number(a.id) - Number(b.id));
    })
    .map((c) => c.id);
}

describe("v2 cursor pagination", () => {
  it("covers every visible page exactly once, in order, for random trees, limits, sorts and users", async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(...SORTS),
        fc.constantFrom("alice", "bob"),
        fc.boolean(),
        async (tree, limit, sort, user, bySpace) => {
          const t = buildRandomSite(tree);
          const a = spaceId(t.store, "A");
          const truth = new AccessEvaluator(t.store, {
            type: "user",
            accountId: t.store.userByEmail(`${user}@acme.example.com`)!.accountId,
          });
          const expected = expectedOrder(
            [...t.store.content.values()].filter(
              (c) =>
                (c.status === "current" || c.status === "archived") &&
                (!bySpace || c.spaceId === a) &&
                truth.canView(c),
            ),
            sort,
          );
          const first = `/wiki/api/v2/${bySpace ? `spaces/${a}/pages?` : "pages?"}limit=${limit}&sort=${sort}`;
          const pages = await followAll(t.fetch, first, user);
          const seen = pages.flatMap((p) => p.body.results.map((r: { id: string }) => r.id));
          expect(seen).toEqual(expected);
          for (const [i, p] of pages.entries()) {
            const last = i === pages.length - 1;
            expect(p.body.results.length).toBe(last ? expected.length - limit * i : limit);
            expect(p.body._links.base).toBe(BASE);
            if (last) {
              expect(p.body._links.next).toBeUndefined();
              expect(p.link).toBeNull();
            } else {
              expect(p.link).toBe(`<${p.body._links.next}>; rel="next", <${BASE}>; rel="base"`);
            }
          }
        },
      ),
      { numRuns: 60, seed: 20260301 },
    );
  });

  it("resumes after the cursor's position even when that item was removed meanwhile", async () => {
    const t = makeTwin({
      users: [{ name: "alice" }],
      spaces: [{ key: "A", pages: Array.from({ length: 10 }, (_, i) => ({ title: `P${i}` })) }],
    });
    const first = await get(t.fetch, "/wiki/api/v2/pages?limit=3");
    const ids = first.body.results.map((r: { id: string }) => r.id);
    t.store.purge(ids[2]);
    const rest = await followAll(t.fetch, first.body._links.next);
    const after = rest.flatMap((p) => p.body.results.map((r: { title: string }) => r.title));
    expect(after).toEqual(["P3", "P4", "P5", "P6", "P7", "P8", "P9"]);
  });

  it("echoes the caller's filters into next and keeps the /wiki prefix, never the gateway", async () => {
    const t = makeTwin({
      users: [{ name: "alice" }],
      spaces: [{ key: "A", pages: Array.from({ length: 5 }, (_, i) => ({ title: `P${i}` })) }],
    });
    const a = spaceId(t.store, "A");
    const res = await get(
      t.fetch,
      `/ex/confluence/${t.store.site.cloudId}/wiki/api/v2/pages?space-id=${a}&status=current&status=archived&limit=2`,
    );
    const next: string = res.body._links.next;
    expect(next).toMatch(
      new RegExp(
        `^/wiki/api/v2/pages\\?space-id=${a}&status=current&status=archived&limit=2&cursor=[A-Za-z0-9%=]+$`,
      ),
    );
    const cursor = new URL(next, BASE).searchParams.get("cursor")!;
    expect(JSON.parse(Buffer.from(cursor, "base64").toString())).toEqual({
      id: res.body.results[1].id,
      contentOrder: "id",
      contentOrderValue: Number(res.body.results[1].id),
    });
  });

  it("defaults limit to 25 and clamps it to 1..250", async () => {
    const t = makeTwin({
      users: [{ name: "alice" }],
      spaces: [{ key: "A", pages: Array.from({ length: 260 }, (_, i) => ({ title: `P${i}` })) }],
    });
    expect((await get(t.fetch, "/wiki/api/v2/pages")).body.results).toHaveLength(25);
    expect((await get(t.fetch, "/wiki/api/v2/pages?limit=1000")).body.results).toHaveLength(250);
    expect((await get(t.fetch, "/wiki/api/v2/pages?limit=0")).body.results).toHaveLength(1);
    const bad = await get(t.fetch, "/wiki/api/v2/pages?limit=many");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe("INVALID_REQUEST_PARAMETER");
  });

  it("answers the measured 400 for a garbled cursor or one minted for another sort", async () => {
    const t = makeTwin({
      users: [{ name: "alice" }],
      spaces: [{ key: "A", pages: [{ title: "P" }, { title: "Q" }] }],
    });
    const measured = {
      errors: [
        {
          status: 400,
          code: "INVALID_REQUEST_PARAMETER",
          title: "Provided value for 'cursor' is not the correct type. Expected type is Cursor.",
          detail:
            "The provided cursor was not valid. You can get a new valid cursor by making the original pagination request again.",
        },
      ],
    };
    for (const cursor of [
      "garbage!!",
      Buffer.from("not json").toString("base64"),
      Buffer.from('{"a":1}').toString("base64"),
    ]) {
      const res = await get(t.fetch, `/wiki/api/v2/pages?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(measured);
    }
    const forged = Buffer.from('{"id":"1","contentOrder":"id","contentOrderValue":"x"}').toString("base64");
    expect((await get(t.fetch, `/wiki/api/v2/pages?cursor=${encodeURIComponent(forged)}`)).body).toEqual(
      measured,
    );
    const next = (await get(t.fetch, "/wiki/api/v2/pages?limit=1")).body._links.next as string;
    const wrongSort = await get(t.fetch, `${next}&sort=title`);
    expect(wrongSort.body).toEqual(measured);
  });
});
