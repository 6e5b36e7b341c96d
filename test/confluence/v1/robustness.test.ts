import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { id, makeWorld } from "./site.ts";

/** Bad input gets the real service's error shape, never a 500. */
const { get, fetch, site, twin } = makeWorld();
const ROUTES = [
  "/rest/api/content",
  "/rest/api/content/1002",
  "/rest/api/content/1002/restriction",
  "/rest/api/content/1002/restriction/byOperation",
  "/rest/api/content/1002/restriction/byOperation/read",
  "/rest/api/content/1002/restriction/byOperation/read/user",
  "/rest/api/content/1002/child/page",
  "/rest/api/content/1002/descendant/page",
  "/rest/api/content/1002/label",
  "/rest/api/group",
  "/rest/api/group/by-id",
  `/rest/api/group/${twin.store.groupByName("eng")!.id}/membersByGroupId`,
  "/rest/api/user",
  "/rest/api/user/bulk",
  "/rest/api/user/memberof",
  "/rest/api/space",
  "/rest/api/space/ENG",
];
const PARAMS = [
  "start",
  "limit",
  "expand",
  "accountId",
  "id",
  "status",
  "type",
  "spaceKey",
  "title",
  "depth",
  "prefix",
];
const value = fc.oneof(
  fc.constantFrom(
    "",
    "-1",
    "0",
    "1",
    "abc",
    "1e3",
    "99999999999999999999",
    "any",
    "page",
    id("bob"),
    "ENG",
    "%",
  ),
  fc.string({ maxLength: 12 }),
);

describe("v1 robustness", () => {
  it("answers every route with any query without a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(fc.tuple(fc.constantFrom(...PARAMS), value), { maxLength: 4 }),
        async (route, params) => {
          const q = new URLSearchParams(params);
          const res = await get(`${route}?${q}`);
          // 501 is Confluence's answer to an unknown content type on /content (measured).
          expect([200, 400, 404, 501]).toContain(res.status);
          const type = res.headers.get("content-type") ?? "";
          if (res.status !== 200 || (await res.clone().text()) !== "")
            expect(type).toContain("application/json");
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it("permission/check survives any body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
        const res = await fetch(`${site}/rest/api/content/1001/permission/check`, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from("alice@acme.example.com:token-alice").toString("base64")}`,
            "content-type": "application/json",
          },
          body,
        });
        expect([200, 400, 404]).toContain(res.status);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
