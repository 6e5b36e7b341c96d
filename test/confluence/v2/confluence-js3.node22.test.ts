import { createV2Client, isNotFoundError, type V2Client } from "confluence-js-3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountIdFor } from "../../../src/simulators/confluence/seed.ts";
import { type RunningServer, startHttpServer } from "../../../src/simulators/host/index.ts";
import { makeTwin, pageId, spaceId } from "./helpers.ts";

/**
 * confluence.js 3.2.0's v2 client (Node 22, global fetch, every answer Zod-validated) against the
 * twin over HTTP. Run with test/compat/run-node22.sh. A schema mismatch throws, so each call
 * succeeding is itself a check; the assertions check the content.
 */
const { host, store } = makeTwin();
let server: RunningServer;
let alice: V2Client;
let bob: V2Client;
const client = (name: string) =>
  createV2Client({
    host: server.url,
    auth: { type: "basic", email: `${name}@acme.example.com`, apiToken: `token-${name}` },
  });

beforeAll(async () => {
  server = await startHttpServer(host);
  alice = client("alice");
  bob = client("bob");
});
afterAll(() => server.close());

const cursorOf = (next: string | undefined) =>
  next ? (new URL(next, "https://x").searchParams.get("cursor") ?? undefined) : undefined;

describe("confluence.js 3.2.0 v2 client", () => {
  it("lists spaces and their permissions", async () => {
    const spaces = await alice.space.getSpaces({ limit: 250, descriptionFormat: "plain" });
    expect(spaces.results?.map((s) => s.key)).toEqual(["ENG", "HR", "PUB"]);
    const perms = await alice.spacePermissions.getSpacePermissionsAssignments({
      id: Number(spaceId(store, "PUB")),
    });
    expect(perms.results?.map((p) => p.principal?.type)).toEqual(["group", "anonymous"]);
    const one = await alice.space.getSpaceById({
      id: Number(spaceId(store, "ENG")),
      includePermissions: true,
    });
    expect(one.key).toBe("ENG");
  });

  it("pages through a space's pages with bodies, following cursors", async () => {
    const titles: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bob.page.getPagesInSpace({
        id: Number(spaceId(store, "ENG")),
        bodyFormat: "storage",
        limit: 2,
        cursor,
      });
      for (const p of page.results ?? []) {
        expect(p.body?.storage?.value).toContain("<");
        titles.push(p.title!);
      }
      cursor = cursorOf(page._links?.next);
    } while (cursor);
    expect(titles).toEqual(["Home", "Design Notes", "Sub A", "Sub B", "Old Page"]);
    const filtered = await alice.page.getPages({
      spaceId: [Number(spaceId(store, "ENG"))],
      status: ["trashed"],
    });
    expect(filtered.results?.map((p) => p.title)).toEqual(["Binned Page"]);
  });

  it("reads a page by id in every body format, its tree, labels, versions and operations", async () => {
    const id = Number(pageId(store, "Design Notes"));
    for (const bodyFormat of ["storage", "atlas_doc_format", "view"] as const) {
      const page = await alice.page.getPageById({
        id,
        bodyFormat,
        includeLabels: true,
        includeOperations: true,
      });
      expect(page.createdAt).toBeInstanceOf(Date);
      expect(page.body?.[bodyFormat]?.representation).toBe(bodyFormat);
    }
    const ancestors = await alice.ancestors.getPageAncestors({ id: Number(pageId(store, "Sub A")) });
    expect(ancestors.results?.map((a) => a.id)).toEqual([pageId(store, "Home"), String(id)]);
    const children = await alice.children.getChildPages({ id });
    expect(children.results?.map((c) => c.title)).toEqual(["Sub A", "Sub B"]);
    const direct = await alice.children.getPageDirectChildren({ id });
    expect(direct.results?.map((c) => c.type)).toEqual(["page", "page"]);
    const descendants = await alice.descendants.getPageDescendants({ id: Number(pageId(store, "Home")) });
    expect(descendants.results?.length).toBeGreaterThan(3);
    expect((await alice.label.getPageLabels({ id })).results?.map((l) => l.name)).toEqual(["design", "arch"]);
    expect((await alice.version.getPageVersions({ id })).results?.[0]?.number).toBe(1);
    expect((await alice.operation.getPageOperations({ id })).operations?.[0]?.operation).toBe("read");
    expect((await alice.attachment.getPageAttachments({ id })).results).toEqual([]);
  });

  it("hides a restricted page as NotFound and reads blog posts", async () => {
    const error = await bob.page
      .getPageById({ id: Number(pageId(store, "Secret Plans")) })
      .catch((e: unknown) => e);
    expect(isNotFoundError(error)).toBe(true);
    const posts = await alice.blogPost.getBlogPosts({ bodyFormat: "storage" });
    expect(posts.results?.map((b) => b.title)).toEqual(["Release Notes"]);
  });

  it("looks users up in bulk with hidden emails empty", async () => {
    const users = await alice.user.createBulkUserLookup({
      body: { accountIds: [accountIdFor("bob"), accountIdFor("erin")] },
    });
    expect(users.results?.map((u) => u.email)).toEqual(["bob@acme.example.com", ""]);
  });
});
