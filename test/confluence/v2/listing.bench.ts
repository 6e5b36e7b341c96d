import { bench, describe } from "vitest";
import { buildSite } from "../../../src/simulators/confluence/seed.ts";
import { createConfluenceService } from "../../../src/simulators/confluence/service.ts";
import { ConfluenceTwin } from "../../../src/simulators/confluence/twin.ts";
import { createDirectFetch, SimClock, SimHost } from "../../../src/simulators/host/index.ts";

/**
 * Cost of v2 listing on a 100k-page site (100 spaces × 1,000 pages, random trees, 2 % view-
 * restricted). Run with `npx vitest bench test/confluence/v2 --run`; numbers are in
 * docs/fidelity/confluence-v2.md. Not part of `npm test`.
 */
const SPACES = 100;
const PER_SPACE = 1000;

const clock = new SimClock("2026-03-01T00:00:00Z");
const store = buildSite(
  {
    users: [{ name: "alice" }],
    groups: [{ name: "eng", members: ["alice"] }],
    spaces: Array.from({ length: SPACES }, (_, i) => ({ key: `S${i}` })),
  },
  clock,
);
let seed = 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
for (const spaceId of store.spaces.keys()) {
  const ids: string[] = [];
  for (let i = 0; i < PER_SPACE; i++) {
    const parentId = ids.length && random() < 0.9 ? ids[Math.floor(random() * ids.length)] : null;
    const c = store.addContent({ type: "page", spaceId, parentId, title: `P ${spaceId} ${i}` });
    ids.push(c.id);
    if (random() < 0.02)
      store.setRestriction(c.id, "read", { users: [], groups: [store.requireGroup("eng").id] });
  }
}
const host = new SimHost({ services: [createConfluenceService(new ConfluenceTwin(store))], clock });
const fetch = createDirectFetch(host);
const headers = {
  authorization: `Basic ${Buffer.from("alice@acme.example.com:token-alice").toString("base64")}`,
};
const space = [...store.spaces.keys()][37];

async function body(path: string): Promise<{ results: unknown[]; _links: { next?: string } }> {
  return (await fetch(`https://acme.atlassian.net${path}`, { headers })).json();
}
// A cursor half-way through the whole site, so the resume cost is measured, not the first page.
let middle = "/wiki/api/v2/pages?limit=250";
for (let i = 0; i < 200; i++) middle = (await body(middle))._links.next!;

describe("v2 listing, 100k pages", () => {
  bench("GET /spaces/{id}/pages?limit=250", async () => {
    await body(`/wiki/api/v2/spaces/${space}/pages?limit=250`);
  });
  bench("GET /pages?space-id=…&limit=250&body-format=storage", async () => {
    await body(`/wiki/api/v2/pages?space-id=${space}&limit=250&body-format=storage`);
  });
  bench("GET /pages?limit=250 resumed at item 50,000", async () => {
    await body(middle);
  });
  bench("GET /pages/{id}?body-format=atlas_doc_format&include-labels=true", async () => {
    await body(
      `/wiki/api/v2/pages/${store.contentInSpace(space)[500].id}?body-format=atlas_doc_format&include-labels=true`,
    );
  });
});
