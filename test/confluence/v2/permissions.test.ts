import { describe, expect, it } from "vitest";
import { get, makeTwin, pageId, spaceId } from "./helpers.ts";

const titles = (body: { results: { title: string }[] }) => body.results.map((r) => r.title);

describe("v2 visibility: one evaluator for lists and reads", () => {
  const { fetch, store } = makeTwin();
  const eng = spaceId(store, "ENG");
  const secret = pageId(store, "Secret Plans");
  const secretChild = pageId(store, "Secret Child");
  const home = pageId(store, "Home");

  it("drops a restricted page from lists and 404s it (bare Not Found) for someone outside the restriction", async () => {
    const bobList = titles((await get(fetch, `/wiki/api/v2/spaces/${eng}/pages?limit=250`, "bob")).body);
    expect(bobList).not.toContain("Secret Plans");
    expect(bobList).toContain("Design Notes");
    const aliceList = titles((await get(fetch, `/wiki/api/v2/spaces/${eng}/pages?limit=250`, "alice")).body);
    expect(aliceList).toContain("Secret Plans");
    const res = await get(fetch, `/wiki/api/v2/pages/${secret}`, "bob");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      errors: [{ status: 404, code: "NOT_FOUND", title: "Not Found", detail: null }],
    });
  });

  it("hides descendants of a restricted ancestor (inherited view restriction)", async () => {
    const bobAll = titles((await get(fetch, "/wiki/api/v2/pages?limit=250", "bob")).body);
    expect(bobAll).not.toContain("Secret Child");
    expect((await get(fetch, `/wiki/api/v2/pages/${secretChild}`, "bob")).status).toBe(404);
    expect((await get(fetch, `/wiki/api/v2/pages/${secretChild}`, "carol")).status).toBe(200);
    expect(titles((await get(fetch, `/wiki/api/v2/pages/${home}/children`, "bob")).body)).not.toContain(
      "Secret Plans",
    );
    for (const sub of [
      "children",
      "ancestors",
      "labels",
      "versions",
      "operations",
      "attachments",
      "footer-comments",
    ]) {
      expect((await get(fetch, `/wiki/api/v2/pages/${secretChild}/${sub}`, "bob")).status).toBe(404);
    }
  });

  it("hides spaces without view permission, and their content, from lists and reads", async () => {
    const hr = spaceId(store, "HR");
    const bobSpaces = (await get(fetch, "/wiki/api/v2/spaces", "bob")).body.results.map(
      (s: { key: string }) => s.key,
    );
    expect(bobSpaces).toEqual(["ENG", "PUB"]);
    const carolSpaces = (await get(fetch, "/wiki/api/v2/spaces", "carol")).body.results.map(
      (s: { key: string }) => s.key,
    );
    expect(carolSpaces).toEqual(["ENG", "HR", "PUB"]);
    expect((await get(fetch, `/wiki/api/v2/spaces/${hr}`, "bob")).status).toBe(404);
    expect((await get(fetch, `/wiki/api/v2/spaces/${hr}/pages`, "bob")).status).toBe(404);
    expect((await get(fetch, `/wiki/api/v2/spaces/${hr}/permissions`, "bob")).status).toBe(404);
    expect(titles((await get(fetch, `/wiki/api/v2/pages?space-id=${hr}`, "bob")).body)).toEqual([]);
    expect((await get(fetch, `/wiki/api/v2/pages/${pageId(store, "HR Home")}`, "bob")).status).toBe(404);
  });

  it("answers a bare 404 for wrong credentials on every v2 route", async () => {
    const res = await fetch(`https://acme.atlassian.net/wiki/api/v2/pages`, {
      headers: { authorization: `Basic ${Buffer.from("alice@acme.example.com:wrong").toString("base64")}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errors: [{ status: 404, code: "NOT_FOUND", title: "Not Found", detail: null }],
    });
  });

  it("lets a guest see only spaces that grant them directly", async () => {
    expect((await get(fetch, "/wiki/api/v2/spaces", "gus")).body.results).toEqual([]);
    store.grantSpacePermission(spaceId(store, "PUB"), {
      type: "user",
      id: store.userByEmail("gus@acme.example.com")!.accountId,
    });
    const keys = (await get(fetch, "/wiki/api/v2/spaces", "gus")).body.results.map(
      (s: { key: string }) => s.key,
    );
    expect(keys).toEqual(["PUB"]);
  });
});

describe("anonymous access", () => {
  it("is refused (bare 404) while the site switch is off", async () => {
    const { fetch } = makeTwin();
    const res = await get(fetch, "/wiki/api/v2/spaces", null);
    expect(res.status).toBe(404);
    expect(res.body.errors[0].title).toBe("Not Found");
  });

  it("sees only anonymous-access spaces and their content when the site allows it", async () => {
    const { fetch, store } = makeTwin();
    store.setAnonymousAccess(true);
    const spaces = (await get(fetch, "/wiki/api/v2/spaces", null)).body.results.map(
      (s: { key: string }) => s.key,
    );
    expect(spaces).toEqual(["PUB"]);
    expect(titles((await get(fetch, "/wiki/api/v2/pages?limit=250", null)).body)).toEqual(["Welcome"]);
    expect((await get(fetch, `/wiki/api/v2/pages/${pageId(store, "Home")}`, null)).status).toBe(404);
    const ops = (await get(fetch, `/wiki/api/v2/pages/${pageId(store, "Welcome")}/operations`, null)).body;
    expect(ops.operations).toEqual([{ operation: "read", targetType: "page" }]);
  });
});
