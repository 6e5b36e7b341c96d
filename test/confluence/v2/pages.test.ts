import { describe, expect, it } from "vitest";
import { BASE, get, makeTwin, pageId, spaceId } from "./helpers.ts";

describe("GET /pages/{id}", () => {
  const { fetch, store } = makeTwin();
  const design = pageId(store, "Design Notes");
  const home = pageId(store, "Home");
  const eng = spaceId(store, "ENG");

  it("renders the measured single-page shape with links, version and an empty body", async () => {
    const { status, body, headers } = await get(fetch, `/wiki/api/v2/pages/${design}`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("application/json");
    expect(body).toMatchObject({
      id: design,
      status: "current",
      title: "Design Notes",
      spaceId: eng,
      parentId: home,
      parentType: "page",
      position: 1,
      authorId: store.requireContent(design).authorId,
      lastOwnerId: null,
      createdAt: "2026-03-01T00:00:00.000Z",
      version: { number: 1, message: "", minorEdit: false, createdAt: "2026-03-01T00:00:00.000Z" },
      body: {},
    });
    expect(body._links).toEqual({
      base: BASE,
      editui: `/pages/resumedraft.action?draftId=${design}`,
      edituiv2: `/spaces/ENG/pages/edit-v2/${design}`,
      webui: `/spaces/ENG/pages/${design}/Design+Notes`,
      tinyui: expect.stringMatching(/^\/x\/[A-Za-z0-9_-]+$/),
    });
  });

  it("has null parentId for a space's root page", async () => {
    const { body } = await get(fetch, `/wiki/api/v2/pages/${home}`);
    expect(body.parentId).toBeNull();
    expect(body.parentType).toBeNull();
  });

  it("fills only the requested body format; atlas_doc_format is a JSON string of ADF", async () => {
    const storage = (await get(fetch, `/wiki/api/v2/pages/${design}?body-format=storage`)).body.body;
    expect(storage).toEqual({
      storage: {
        representation: "storage",
        value: "<h1>Design</h1><p>Use <strong>small</strong> modules &amp; tests.</p>",
      },
    });
    const adf = (await get(fetch, `/wiki/api/v2/pages/${design}?body-format=atlas_doc_format`)).body.body;
    expect(Object.keys(adf)).toEqual(["atlas_doc_format"]);
    expect(typeof adf.atlas_doc_format.value).toBe("string");
    expect(JSON.parse(adf.atlas_doc_format.value)).toEqual({
      type: "doc",
      version: 1,
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Design" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Use " },
            { type: "text", text: "small", marks: [{ type: "strong" }] },
            { type: "text", text: " modules & tests." },
          ],
        },
      ],
    });
    const view = (await get(fetch, `/wiki/api/v2/pages/${design}?body-format=view`)).body.body;
    expect(view.view.representation).toBe("view");
  });

  it("answers 400 for a body format the route does not know", async () => {
    const { status, body } = await get(fetch, `/wiki/api/v2/pages/${design}?body-format=wiki`);
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ status: 400, code: "INVALID_REQUEST_PARAMETER" });
  });

  it("omits version with include-version=false and adds include-* blocks", async () => {
    const bare = (await get(fetch, `/wiki/api/v2/pages/${design}?include-version=false`)).body;
    expect(bare.version).toBeUndefined();
    const rich = (
      await get(
        fetch,
        `/wiki/api/v2/pages/${design}?include-labels=true&include-operations=true&include-versions=true&include-properties=true`,
      )
    ).body;
    expect(rich.labels).toEqual({
      results: [
        { id: expect.any(String), name: "design", prefix: "global" },
        { id: expect.any(String), name: "arch", prefix: "global" },
      ],
      meta: { hasMore: false },
      _links: { self: `/wiki/api/v2/pages/${design}/labels` },
    });
    expect(rich.operations.results).toEqual([
      { operation: "read", targetType: "page" },
      { operation: "update", targetType: "page" },
    ]);
    expect(rich.versions.results).toEqual([expect.objectContaining({ number: 1 })]);
    expect(rich.properties).toEqual({
      results: [],
      meta: { hasMore: false },
      _links: { self: `/wiki/api/v2/pages/${design}/properties` },
    });
  });

  it("caps include-labels at 50 with hasMore and a cursor", async () => {
    const t = makeTwin();
    const id = pageId(t.store, "Sub A");
    for (let i = 0; i < 60; i++) t.store.addLabel(id, `l${i}`);
    const { body } = await get(t.fetch, `/wiki/api/v2/pages/${id}?include-labels=true`);
    expect(body.labels.results).toHaveLength(50);
    expect(body.labels.meta.hasMore).toBe(true);
    expect(typeof body.labels.meta.cursor).toBe("string");
    const rest = await get(
      t.fetch,
      `/wiki/api/v2/pages/${id}/labels?limit=250&cursor=${body.labels.meta.cursor}`,
    );
    expect(rest.body.results).toHaveLength(10);
  });

  it("404s a genuinely missing page with the id in the title", async () => {
    const { status, body } = await get(fetch, "/wiki/api/v2/pages/999999999999");
    expect(status).toBe(404);
    expect(body).toEqual({
      errors: [
        { status: 404, code: "NOT_FOUND", title: "Cannot find a page with id [999999999999]", detail: null },
      ],
    });
  });

  it("400s a non-numeric id with the measured title", async () => {
    const { status, body } = await get(fetch, "/wiki/api/v2/pages/Docs");
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          status: 400,
          code: "INVALID_REQUEST_PARAMETER",
          title: "Provided value {Docs} for 'id' is not the correct type. Expected type is long.",
          detail: null,
        },
      ],
    });
  });

  it("reads ids like Java longs: leading zeros and a plus sign name the same page", async () => {
    expect((await get(fetch, `/wiki/api/v2/pages/000${design}`)).body.id).toBe(design);
    expect((await get(fetch, `/wiki/api/v2/pages/%2B${design}`)).body.id).toBe(design);
    expect((await get(fetch, "/wiki/api/v2/pages/99999999999999999999")).status).toBe(400);
  });

  it("hides trashed pages unless status=trashed; serves archived by default", async () => {
    const binned = pageId(store, "Binned Page");
    expect((await get(fetch, `/wiki/api/v2/pages/${binned}`)).status).toBe(404);
    const asked = await get(fetch, `/wiki/api/v2/pages/${binned}?status=trashed`);
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe("trashed");
    const archived = await get(fetch, `/wiki/api/v2/pages/${pageId(store, "Old Page")}`);
    expect(archived.body.status).toBe("archived");
  });

  it("is a page route: a blog post id is a missing page", async () => {
    const blog = pageId(store, "Release Notes");
    expect((await get(fetch, `/wiki/api/v2/pages/${blog}`)).body.errors[0].title).toBe(
      `Cannot find a page with id [${blog}]`,
    );
  });

  it("serves the same answer under the API gateway prefix, links still naming the site", async () => {
    const direct = await get(fetch, `/wiki/api/v2/pages/${design}`);
    const gw = await get(fetch, `/ex/confluence/${store.site.cloudId}/wiki/api/v2/pages/${design}`);
    expect(gw.body).toEqual(direct.body);
  });
});

describe("page tree routes", () => {
  const { fetch, store } = makeTwin();
  const home = pageId(store, "Home");
  const design = pageId(store, "Design Notes");
  const subA = pageId(store, "Sub A");

  it("lists children in child-position order with the ChildPage shape", async () => {
    const { body } = await get(fetch, `/wiki/api/v2/pages/${home}/children`);
    expect(body.results.map((c: { title: string }) => c.title)).toEqual([
      "Design Notes",
      "Secret Plans",
      "Old Page",
    ]);
    expect(body.results[0]).toEqual({
      id: design,
      status: "current",
      title: "Design Notes",
      spaceId: spaceId(store, "ENG"),
      childPosition: 1,
    });
    expect(body._links).toEqual({ base: BASE });
    const reversed = await get(fetch, `/wiki/api/v2/pages/${home}/children?sort=-child-position`);
    expect(reversed.body.results.map((c: { title: string }) => c.title)).toEqual([
      "Old Page",
      "Secret Plans",
      "Design Notes",
    ]);
  });

  it("adds type on direct-children", async () => {
    const { body } = await get(fetch, `/wiki/api/v2/pages/${design}/direct-children`);
    expect(body.results).toEqual([
      expect.objectContaining({ title: "Sub A", type: "page", childPosition: 1 }),
      expect.objectContaining({ title: "Sub B", type: "page", childPosition: 2 }),
    ]);
  });

  it("lists ancestors highest first, the nearest `limit` of them", async () => {
    expect((await get(fetch, `/wiki/api/v2/pages/${subA}/ancestors`)).body).toEqual({
      results: [
        { id: home, type: "page" },
        { id: design, type: "page" },
      ],
    });
    expect((await get(fetch, `/wiki/api/v2/pages/${subA}/ancestors?limit=1`)).body.results).toEqual([
      { id: design, type: "page" },
    ]);
  });

  it("lists labels, versions, operations, and empty attachments and footer comments", async () => {
    const labels = (await get(fetch, `/wiki/api/v2/pages/${design}/labels?sort=name`)).body;
    expect(labels.results.map((l: { name: string }) => l.name)).toEqual(["arch", "design"]);
    store.updateContent(design, { body: "<p>v2</p>", message: "second" });
    const versions = (await get(fetch, `/wiki/api/v2/pages/${design}/versions`)).body;
    expect(versions.results.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect(versions.results[0]).toMatchObject({ message: "second", minorEdit: false });
    const ops = (await get(fetch, `/wiki/api/v2/pages/${design}/operations`)).body;
    expect(ops).toEqual({
      operations: [
        { operation: "read", targetType: "page" },
        { operation: "update", targetType: "page" },
      ],
    });
    for (const sub of ["attachments", "footer-comments"]) {
      const res = await get(fetch, `/wiki/api/v2/pages/${design}/${sub}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ results: [], _links: { base: BASE } });
      expect(res.headers.get("link")).toBeNull();
    }
  });

  it("reports update only for people the page's own edit restriction admits", async () => {
    const secret = pageId(store, "Secret Plans");
    const child = pageId(store, "Secret Child");
    const ops = async (as: string, id: string) =>
      (await get(fetch, `/wiki/api/v2/pages/${id}/operations`, as)).body.operations.map(
        (o: { operation: string }) => o.operation,
      );
    expect(await ops("alice", secret)).toEqual(["read", "update"]);
    expect(await ops("carol", secret)).toEqual(["read"]);
    // Edit restrictions are not inherited.
    expect(await ops("carol", child)).toEqual(["read", "update"]);
    expect((await get(fetch, `/wiki/api/v2/pages/${secret}/operations`, "bob")).status).toBe(404);
  });
});

describe("GET /pages filters", () => {
  const { fetch, store } = makeTwin();
  const titlesOf = async (query: string, as = "alice") =>
    (await get(fetch, `/wiki/api/v2/pages?limit=250&${query}`, as)).body.results.map(
      (p: { title: string }) => p.title,
    );
  const design = pageId(store, "Design Notes");
  const subB = pageId(store, "Sub B");

  it("defaults to current and archived pages, excluding blog posts and trashed pages", async () => {
    const all = await titlesOf("");
    expect(all).toContain("Old Page");
    expect(all).not.toContain("Binned Page");
    expect(all).not.toContain("Release Notes");
  });

  it("filters by status (repeated or comma-separated), exact title, ids and space ids", async () => {
    expect(await titlesOf("status=trashed")).toEqual(["Binned Page"]);
    expect(await titlesOf("status=trashed,archived")).toEqual(["Old Page", "Binned Page"]);
    expect(await titlesOf("status=current&status=trashed")).toContain("Binned Page");
    expect(await titlesOf("title=Sub%20A")).toEqual(["Sub A"]);
    expect(await titlesOf("title=sub%20a")).toEqual([]);
    expect(await titlesOf(`id=${subB},${design}`)).toEqual(["Design Notes", "Sub B"]);
    expect(await titlesOf(`id=${subB}&space-id=${spaceId(store, "PUB")}`)).toEqual([]);
    expect(await titlesOf(`space-id=${spaceId(store, "PUB")}&space-id=${spaceId(store, "HR")}`)).toEqual([
      "HR Home",
      "Welcome",
    ]);
  });

  it("sorts by title, and by -created-date with id as the tie-breaker", async () => {
    expect((await titlesOf(`space-id=${spaceId(store, "ENG")}&sort=title`)).slice(0, 3)).toEqual([
      "Design Notes",
      "Home",
      "Old Page",
    ]);
    const newest = await titlesOf(`space-id=${spaceId(store, "ENG")}&sort=-created-date`);
    expect(newest[0]).toBe("Old Page");
  });

  it("400s bad filter values with the Spring conversion message", async () => {
    const res = await get(fetch, "/wiki/api/v2/pages?space-id=ENG");
    expect(res.body.errors[0].title).toBe(
      "Provided value {ENG} for 'space-id' is not the correct type. Expected type is long.",
    );
    expect((await get(fetch, "/wiki/api/v2/pages?status=draft")).status).toBe(400);
    expect((await get(fetch, "/wiki/api/v2/pages?sort=position")).status).toBe(400);
    expect((await get(fetch, "/wiki/api/v2/pages?body-format=view")).status).toBe(400);
  });
});
