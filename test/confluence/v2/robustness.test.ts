import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { get, makeTwin, pageId, spaceId } from "./helpers.ts";

/** Whatever the query, v2 answers 200 with a list/object or 400/404 with the errors array: never a 500. */
describe("v2 input robustness", () => {
  const { fetch, store } = makeTwin();
  const ids = [pageId(store, "Home"), pageId(store, "Design Notes"), pageId(store, "Release Notes")];
  const paths = [
    "/wiki/api/v2/spaces",
    `/wiki/api/v2/spaces/${spaceId(store, "ENG")}`,
    `/wiki/api/v2/spaces/${spaceId(store, "ENG")}/pages`,
    `/wiki/api/v2/spaces/${spaceId(store, "ENG")}/permissions`,
    "/wiki/api/v2/pages",
    "/wiki/api/v2/blogposts",
    "/wiki/api/v2/labels",
    ...ids.map((id) => `/wiki/api/v2/pages/${id}`),
    ...ids.map((id) => `/wiki/api/v2/pages/${id}/children`),
    ...ids.map((id) => `/wiki/api/v2/pages/${id}/descendants`),
    ...ids.map((id) => `/wiki/api/v2/pages/${id}/labels`),
    ...ids.map((id) => `/wiki/api/v2/blogposts/${id}`),
    "/wiki/api/v2/pages/abc/ancestors",
  ];
  const names = [
    "limit",
    "cursor",
    "sort",
    "status",
    "id",
    "ids",
    "keys",
    "space-id",
    "title",
    "body-format",
    "depth",
    "version",
    "include-labels",
    "include-version",
    "include-permissions",
    "description-format",
    "type",
    "prefix",
  ];
  const values = fc.oneof(
    fc.constantFrom(
      "1",
      "0",
      "-1",
      "250",
      "251",
      "true",
      "FALSE",
      "id",
      "-title",
      "current",
      "trashed",
      "storage",
      "view",
      "root",
      "all",
      "plain",
      "",
      "%",
      "9223372036854775808",
      "eyJpZCI6IjEifQ==",
      ids[0],
    ),
    fc.string({ maxLength: 12 }),
  );

  it("never answers 5xx, and every error uses the v2 errors array", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.array(fc.tuple(fc.constantFrom(...names), values), { maxLength: 5 }),
        async (path, params) => {
          const query = new URLSearchParams(params).toString();
          const res = await get(fetch, `${path}${query ? `?${query}` : ""}`);
          expect([200, 400, 404]).toContain(res.status);
          if (res.status === 200) expect(res.body).toBeTypeOf("object");
          else {
            expect(res.body.errors).toHaveLength(1);
            const [error] = res.body.errors;
            expect(Object.keys(error)).toEqual(["status", "code", "title", "detail"]);
            expect(error).toMatchObject({
              status: res.status,
              code: expect.any(String),
              title: expect.any(String),
            });
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
