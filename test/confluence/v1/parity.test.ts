import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExpressApp, interceptWithMsw } from "../../../src/simulators/host/index.ts";
import { asSite } from "../v2/helpers.ts";
import { basic, id, makeWorld } from "./site.ts";

/** The same v1 requests through the direct transport, msw interception and express give the same answers. */
const PATHS = [
  "/rest/api/content/1002/restriction?limit=1",
  "/rest/api/content/1004/restriction/byOperation",
  `/rest/api/content/1004/restriction/byOperation/read/user?accountId=${id("alice")}`,
  "/rest/api/group?limit=2&start=1",
  `/rest/api/user/bulk?accountId=${id("bob")}&accountId=${id("carol")}`,
  "/rest/api/space/PUB?expand=permissions",
  "/rest/api/content/1003?expand=ancestors,body.storage",
  "/rest/api/content?spaceKey=ENG&limit=abc",
  "/rest/api/nopesuchroute",
];

const world = makeWorld();
let msw: ReturnType<typeof interceptWithMsw>;
beforeAll(() => {
  msw = interceptWithMsw(world.host);
});
afterAll(() => msw.close());

async function viaFetch(f: typeof fetch, path: string) {
  const res = await f(`${world.site}${path}`, { headers: { authorization: basic("bob") } });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

describe("v1 parity across transports", () => {
  const app = createExpressApp(world.host);
  for (const path of PATHS) {
    it(path, async () => {
      const direct = await viaFetch(world.fetch, path);
      const intercepted = await viaFetch(globalThis.fetch, path);
      const http = await supertest(app).get(`/wiki${path}`).set("authorization", basic("bob")).buffer(true);
      const overHttp = {
        status: http.status,
        type: http.headers["content-type"] ?? null,
        body: http.text,
      };
      expect(intercepted).toEqual(direct);
      // Over express the URL origin differs (127.0.0.1): links name it, and bodies that echo the
      // request URL differ there only.
      expect(overHttp.status).toBe(direct.status);
      expect(overHttp.type).toBe(direct.type);
      if (!direct.body.includes("null for uri")) expect(asSite(overHttp.body)).toBe(direct.body);
    });
  }
});
