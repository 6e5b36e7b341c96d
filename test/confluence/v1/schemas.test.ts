import { beforeAll, describe, expect, it } from "vitest";
import { id, makeWorld, SITE } from "./site.ts";

/**
 * Every v1 answer checked against confluence.js 3.x's own Zod models in its audit mode (strict
 * objects, closed enums): stricter than the client at runtime, and runnable on Node 20 because the
 * models are plain zod. The Node 22 suite (test/compat) runs the client itself.
 */
type Schema = { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } };
const MODELS = "../../../node_modules/confluence-js-3/dist/v1/models";
const schemas: Record<string, Schema> = {};

beforeAll(async () => {
  process.env.AUDIT_SCHEMAS = "true";
  const files: [string, string][] = [
    ["content", "ContentSchema"],
    ["contentArray", "ContentArraySchema"],
    ["space", "SpaceSchema"],
    ["user", "UserSchema"],
    ["userAnonymous", "UserAnonymousSchema"],
    ["userArray", "UserArraySchema"],
    ["group", "GroupSchema"],
    ["groupArrayWithLinks", "GroupArrayWithLinksSchema"],
    ["bulkUserLookupArray", "BulkUserLookupArraySchema"],
    ["contentRestriction", "ContentRestrictionSchema"],
    ["contentRestrictionArray", "ContentRestrictionArraySchema"],
    ["getRestrictionsByOperation", "GetRestrictionsByOperationSchema"],
    ["permissionCheckResponse", "PermissionCheckResponseSchema"],
    ["labelArray", "LabelArraySchema"],
  ];
  for (const [file, name] of files) {
    const mod = (await import(`${MODELS}/${file}.js`)) as Record<string, Schema>;
    schemas[name] = mod[name];
  }
});

function check(name: string, body: unknown) {
  const result = schemas[name].safeParse(body);
  expect(result.error?.issues ?? [], name).toEqual([]);
}

const FULL_EXPAND = [
  "body.storage",
  "body.view",
  "body.atlas_doc_format",
  "version",
  "space",
  "ancestors",
  "history.lastUpdated",
  "metadata.labels",
  "restrictions.read.restrictions.user",
  "restrictions.read.restrictions.group",
  "restrictions.update.restrictions.user",
  "children.page",
  "extensions",
].join(",");

describe("v1 answers match confluence.js 3.x models in strict audit mode", () => {
  const { get, fetch, site, twin } = makeWorld({ ...SITE, site: { name: "acme", anonymousAccess: true } });
  const eng = () => twin.store.groupByName("eng")!.id;

  it("restrictions", async () => {
    check("ContentRestrictionArraySchema", await (await get("/rest/api/content/1002/restriction")).json());
    check(
      "GetRestrictionsByOperationSchema",
      await (await get("/rest/api/content/1004/restriction/byOperation")).json(),
    );
    check(
      "ContentRestrictionSchema",
      await (await get("/rest/api/content/1002/restriction/byOperation/update")).json(),
    );
  });

  it("permission check", async () => {
    const res = await fetch(`${site}/rest/api/content/1003/permission/check`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("alice@acme.example.com:token-alice").toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ subject: { type: "user", identifier: id("carol") }, operation: "read" }),
    });
    check("PermissionCheckResponseSchema", await res.json());
  });

  it("groups and users", async () => {
    check("GroupArrayWithLinksSchema", await (await get("/rest/api/group?limit=2")).json());
    check("GroupSchema", await (await get(`/rest/api/group/by-id?id=${eng()}`)).json());
    check("UserArraySchema", await (await get(`/rest/api/group/${eng()}/membersByGroupId?limit=1`)).json());
    check("UserSchema", await (await get(`/rest/api/user?accountId=${id("carol")}`)).json());
    check("UserSchema", await (await get(`/rest/api/user?accountId=${id("gus")}`)).json());
    check("UserSchema", await (await get("/rest/api/user/current")).json());
    check("UserAnonymousSchema", await (await get("/rest/api/user/current", null)).json());
    check(
      "BulkUserLookupArraySchema",
      await (await get(`/rest/api/user/bulk?accountId=${id("bob")},${id("carol")}`)).json(),
    );
    check(
      "GroupArrayWithLinksSchema",
      await (await get(`/rest/api/user/memberof?accountId=${id("alice")}`)).json(),
    );
  });

  it("legacy space and content", async () => {
    check(
      "SpaceSchema",
      await (
        await get("/rest/api/space/PUB?expand=permissions,description.plain,icon,homepage,history")
      ).json(),
    );
    check("SpaceSchema", await (await get("/rest/api/space/ENG")).json());
    check("ContentSchema", await (await get(`/rest/api/content/1002?expand=${FULL_EXPAND}`)).json());
    check("ContentSchema", await (await get("/rest/api/content/2001?expand=space,version")).json());
    check(
      "ContentArraySchema",
      await (await get(`/rest/api/content?spaceKey=ENG&limit=2&expand=${FULL_EXPAND}`)).json(),
    );
    check("ContentArraySchema", await (await get("/rest/api/content?type=blogpost")).json());
    check("ContentArraySchema", await (await get("/rest/api/content/1002/child/page?expand=version")).json());
    check("ContentArraySchema", await (await get("/rest/api/content/1001/child/attachment")).json());
    check("ContentArraySchema", await (await get("/rest/api/content/1001/descendant/page")).json());
    check("LabelArraySchema", await (await get("/rest/api/content/1001/label")).json());
  });
});
