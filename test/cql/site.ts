import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import { accountIdFor, buildSite, type SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { ConfluenceStore } from "../../src/simulators/confluence/store.ts";
import { SimClock } from "../../src/simulators/host/clock.ts";

/** "Now" in the search tests (relative dates such as `now("-1d")` count from here). */
export const CQL_NOW = "2026-03-18T12:00:00Z";

/** A small site for search tests: ENG (tree + blog), HR (restricted to hr group), OLD (archived). */
export const CQL_SITE: SiteSpec = {
  users: [{ name: "alice" }, { name: "bob" }, { name: "carol" }],
  groups: [{ name: "hr", members: ["carol"] }],
  spaces: [
    {
      key: "ENG",
      name: "Engineering",
      pages: [
        {
          id: "100",
          title: "Engineering Home",
          author: "alice",
          created: "2025-01-01T00:00:00Z",
          lastModified: "2025-01-05T00:00:00Z",
          labels: ["public"],
          children: [
            {
              id: "101",
              title: "Roadmap 2026",
              author: "bob",
              created: "2025-06-01T10:00:00Z",
              lastModified: "2026-03-17T09:30:00Z",
              body: '<p>The <strong>advanced search</strong> roadmap. Ask <ac:link><ri:user ri:account-id="ACC-CAROL"/></ac:link>.</p><ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">ENG-1</ac:parameter></ac:structured-macro>',
              labels: ["roadmap", "public"],
              children: [
                {
                  id: "102",
                  title: "Roadmap details",
                  created: "2025-06-02T00:00:00Z",
                  lastModified: "2026-03-18T08:00:00Z",
                  body: "<p>Windows and winter plans</p>",
                },
              ],
            },
            {
              id: "103",
              title: "Secret plans",
              created: "2025-07-01T00:00:00Z",
              lastModified: "2025-07-02T00:00:00Z",
              read: ["user:alice"],
              children: [{ id: "104", title: "Secret child", created: "2025-07-03T00:00:00Z" }],
            },
            { id: "105", title: "Old draft", status: "trashed", created: "2024-01-01T00:00:00Z" },
          ],
        },
      ],
      blogposts: [
        {
          id: "200",
          title: "Release notes",
          author: "carol",
          created: "2026-03-16T00:00:00Z",
          labels: ["release"],
        },
      ],
    },
    {
      key: "HR",
      name: "Human Resources",
      view: ["group:hr"],
      pages: [{ id: "300", title: "Salaries", created: "2025-02-01T00:00:00Z", author: "carol" }],
    },
    {
      key: "OLD",
      name: "Archive",
      status: "archived",
      pages: [{ id: "400", title: "Legacy roadmap", created: "2020-01-01T00:00:00Z" }],
    },
  ],
};

/** The search site's store on its own clock (evaluator-level tests). */
export function testSite(): ConfluenceStore {
  return buildSite(CQL_SITE, new SimClock(CQL_NOW));
}

export function as(store: ConfluenceStore, name: string): AccessEvaluator {
  return new AccessEvaluator(store, { type: "user", accountId: accountIdFor(name) });
}

export { accountIdFor };
