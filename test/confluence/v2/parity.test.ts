import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountIdFor } from "../../../src/simulators/confluence/seed.ts";
import { createExpressApp, interceptWithMsw } from "../../../src/simulators/host/index.ts";
import { asSite, basic, makeTwin, pageId, SITE, spaceId } from "./helpers.ts";

/** The same requests through the direct transport, msw interception and HTTP (express) give the same answers. */
describe("direct, msw and express transports agree on v2", () => {
  const { fetch, host, store } = makeTwin();
  const agent = supertest(createExpressApp(host));
  const eng = spaceId(store, "ENG");
  const design = pageId(store, "Design Notes");
  const gw = `/ex/confluence/${store.site.cloudId}`;
  let msw: ReturnType<typeof interceptWithMsw>;
  beforeAll(() => {
    msw = interceptWithMsw(host);
  });
  afterAll(() => msw.close());

  const paths = [
    "/wiki/api/v2/spaces?limit=2",
    `/wiki/api/v2/spaces/${eng}?include-permissions=true&description-format=plain`,
    `/wiki/api/v2/spaces/${eng}/permissions`,
    `/wiki/api/v2/pages?space-id=${eng}&limit=3&body-format=storage`,
    `/wiki/api/v2/pages?id=${design}&id=999&status=current,archived`,
    `/wiki/api/v2/pages/${design}?body-format=atlas_doc_format&include-labels=true`,
    `${gw}/wiki/api/v2/pages/${design}`,
    `/wiki/api/v2/spaces/${eng}/pages?depth=root`,
    `/wiki/api/v2/pages/${design}/children`,
    `/wiki/api/v2/pages/${pageId(store, "Sub A")}/ancestors`,
    `/wiki/api/v2/pages/${design}/operations`,
    "/wiki/api/v2/blogposts",
    "/wiki/api/v2/labels",
    "/wiki/api/v2/pages/abc",
    "/wiki/api/v2/pages/999999",
    "/wiki/api/v2/pages?cursor=nope",
  ];

  for (const path of paths) {
    it(`GET ${path}`, async () => {
      const direct = await fetch(`${SITE}${path}`, { headers: { authorization: basic("bob") } });
      const overHttp = await agent.get(path).set("authorization", basic("bob"));
      expect(overHttp.status).toBe(direct.status);
      expect(overHttp.headers["content-type"]).toBe(direct.headers.get("content-type"));
      expect(asSite(overHttp.headers.link ?? null)).toBe(direct.headers.get("link"));
      const directBody = await direct.json();
      expect(asSite(overHttp.body)).toEqual(directBody);
      const viaMsw = await globalThis.fetch(`${SITE}${path}`, { headers: { authorization: basic("bob") } });
      expect(viaMsw.status).toBe(direct.status);
      expect(viaMsw.headers.get("link")).toBe(direct.headers.get("link"));
      expect(await viaMsw.json()).toEqual(directBody);
    });
  }

  it("follows the same next links to the same end", async () => {
    const walk = async (
      get: (p: string) => Promise<{ body: { results: { id: string }[]; _links: { next?: string } } }>,
    ) => {
      const ids: string[] = [];
      let path: string | undefined = "/wiki/api/v2/pages?limit=2";
      while (path) {
        const { body } = await get(path);
        ids.push(...body.results.map((r) => r.id));
        path = body._links.next;
      }
      return ids;
    };
    const viaDirect = await walk(async (p) => ({
      body: await (await fetch(`${SITE}${p}`, { headers: { authorization: basic("alice") } })).json(),
    }));
    const viaHttp = await walk(async (p) => ({
      body: (await agent.get(p).set("authorization", basic("alice"))).body,
    }));
    expect(viaHttp).toEqual(viaDirect);
    expect(viaDirect.length).toBeGreaterThan(2);
  });

  it("POST /users-bulk", async () => {
    const payload = { accountIds: [accountIdFor("alice"), accountIdFor("erin")] };
    const direct = await fetch(`${SITE}/wiki/api/v2/users-bulk`, {
      method: "POST",
      headers: { authorization: basic("bob"), "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    const overHttp = await agent
      .post("/wiki/api/v2/users-bulk")
      .set("authorization", basic("bob"))
      .send(payload);
    expect(overHttp.status).toBe(direct.status);
    expect(asSite(overHttp.body)).toEqual(await direct.json());
  });
});
