import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountIdFor } from "../../../src/simulators/confluence/seed.ts";
import { get, makeTwin, pageId, post, spaceId } from "./helpers.ts";

/**
 * Every v2 answer checked against confluence.js 3.x's Zod schemas in its audit mode, where objects
 * are strict (no unknown keys) and enums closed: a stricter check than the client does at runtime.
 */
type Schema = { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } };
const MODELS = "../../../node_modules/confluence-js-3/dist/v2/models";
const schemas: Record<string, Schema> = {};

async function load(file: string, name: string): Promise<Schema> {
  const mod = (await import(`${MODELS}/${file}.js`)) as Record<string, Schema>;
  return mod[name];
}

const previousAudit = process.env.AUDIT_SCHEMAS;
// Audit mode is read when the schemas are built, so it only needs to be on while they load.
afterAll(() => {
  if (previousAudit === undefined) delete process.env.AUDIT_SCHEMAS;
  else process.env.AUDIT_SCHEMAS = previousAudit;
});

beforeAll(async () => {
  process.env.AUDIT_SCHEMAS = "true";
  const files: [string, string][] = [
    ["spaces", "SpacesSchema"],
    ["space", "SpaceSchema"],
    ["spacePermissionsAssignments", "SpacePermissionsAssignmentsSchema"],
    ["pages", "PagesSchema"],
    ["page", "PageSchema"],
    ["pagesInSpace", "PagesInSpaceSchema"],
    ["childPages", "ChildPagesSchema"],
    ["pageDirectChildren", "PageDirectChildrenSchema"],
    ["pageAncestors", "PageAncestorsSchema"],
    ["pageLabels", "PageLabelsSchema"],
    ["pageVersions", "PageVersionsSchema"],
    ["permittedOperations", "PermittedOperationsSchema"],
    ["pageAttachments", "PageAttachmentsSchema"],
    ["pageFooterComments", "PageFooterCommentsSchema"],
    ["blogPosts", "BlogPostsSchema"],
    ["blogPost", "BlogPostSchema"],
    ["blogPostsInSpace", "BlogPostsInSpaceSchema"],
    ["labels", "LabelsSchema"],
    ["bulkUserLookup", "BulkUserLookupSchema"],
    ["pageDescendants", "PageDescendantsSchema"],
    ["labelPages", "LabelPagesSchema"],
    ["pageContentProperties", "PageContentPropertiesSchema"],
  ];
  for (const [file, name] of files) schemas[name] = await load(file, name);
});

function check(name: string, body: unknown) {
  const result = schemas[name].safeParse(body);
  expect(result.error?.issues ?? [], name).toEqual([]);
}

describe("v2 answers satisfy confluence.js schemas (strict audit mode)", () => {
  const { fetch, store } = makeTwin();
  store.setAnonymousAccess(true);
  const eng = spaceId(store, "ENG");
  const pub = spaceId(store, "PUB");
  const design = pageId(store, "Design Notes");
  const sub = pageId(store, "Sub A");
  const blog = pageId(store, "Release Notes");

  it("is really strict (guards the check itself)", () => {
    expect(schemas.PageSchema.safeParse({ id: "1", bogus: true }).success).toBe(false);
    expect(schemas.PageSchema.safeParse({ id: "1", status: "weird" }).success).toBe(false);
  });

  it("spaces", async () => {
    check(
      "SpacesSchema",
      (await get(fetch, "/wiki/api/v2/spaces?limit=1&description-format=plain&include-icon=true")).body,
    );
    check(
      "SpaceSchema",
      (
        await get(
          fetch,
          `/wiki/api/v2/spaces/${pub}?include-permissions=true&include-operations=true&include-labels=true&include-properties=true&description-format=view`,
        )
      ).body,
    );
    check(
      "SpacePermissionsAssignmentsSchema",
      (await get(fetch, `/wiki/api/v2/spaces/${pub}/permissions`)).body,
    );
  });

  it("pages", async () => {
    check("PagesSchema", (await get(fetch, "/wiki/api/v2/pages?limit=3&body-format=atlas_doc_format")).body);
    check(
      "PagesInSpaceSchema",
      (await get(fetch, `/wiki/api/v2/spaces/${eng}/pages?body-format=storage`)).body,
    );
    for (const format of ["storage", "atlas_doc_format", "view"]) {
      check(
        "PageSchema",
        (
          await get(
            fetch,
            `/wiki/api/v2/pages/${design}?body-format=${format}&include-labels=true&include-operations=true&include-versions=true&include-properties=true&include-likes=true&include-favorited-by-current-user-status=true`,
          )
        ).body,
      );
    }
    check("PageSchema", (await get(fetch, `/wiki/api/v2/pages/${pageId(store, "Home")}`)).body);
  });

  it("page tree and sub-resources", async () => {
    check("ChildPagesSchema", (await get(fetch, `/wiki/api/v2/pages/${design}/children`)).body);
    check(
      "PageDirectChildrenSchema",
      (await get(fetch, `/wiki/api/v2/pages/${design}/direct-children`)).body,
    );
    check("PageAncestorsSchema", (await get(fetch, `/wiki/api/v2/pages/${sub}/ancestors`)).body);
    check("PageLabelsSchema", (await get(fetch, `/wiki/api/v2/pages/${design}/labels`)).body);
    check("PageVersionsSchema", (await get(fetch, `/wiki/api/v2/pages/${design}/versions`)).body);
    check("PermittedOperationsSchema", (await get(fetch, `/wiki/api/v2/pages/${design}/operations`)).body);
    check("PageAttachmentsSchema", (await get(fetch, `/wiki/api/v2/pages/${design}/attachments`)).body);
    check(
      "PageFooterCommentsSchema",
      (await get(fetch, `/wiki/api/v2/pages/${design}/footer-comments`)).body,
    );
  });

  it("blog posts, labels, users", async () => {
    check("BlogPostsSchema", (await get(fetch, "/wiki/api/v2/blogposts?body-format=storage")).body);
    check("BlogPostsInSpaceSchema", (await get(fetch, `/wiki/api/v2/spaces/${eng}/blogposts`)).body);
    check(
      "BlogPostSchema",
      (await get(fetch, `/wiki/api/v2/blogposts/${blog}?body-format=view&include-labels=true`)).body,
    );
    check("LabelsSchema", (await get(fetch, "/wiki/api/v2/labels")).body);
    check(
      "BulkUserLookupSchema",
      (
        await post(fetch, "/wiki/api/v2/users-bulk", {
          accountIds: [accountIdFor("bob"), accountIdFor("erin")],
        })
      ).body,
    );
  });
});
