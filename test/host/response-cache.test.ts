import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDirectFetch,
  json,
  type RouteContext,
  type RunningServer,
  type Service,
  SimClock,
  SimHost,
  startHttpServer,
} from "../../src/simulators/host/index.ts";

/** A service that opts into the response cache, with a state version tests can bump. */
function cachedService() {
  const state = { version: 1, runs: 0, ids: 0, value: "a" };
  const service: Service = {
    name: "memo",
    hosts: ["memo.test"],
    prefixes: ["/memo/"],
    routes: [
      {
        method: "GET",
        path: "/memo/value",
        operationId: "getValue",
        handler: (ctx) => {
          state.runs++;
          ctx.note(`computed for ${ctx.header("authorization") ?? "anonymous"}`);
          return json({ value: state.value, who: ctx.header("authorization") }, 200, {
            "x-request-id": `id-${++state.ids}`,
          });
        },
      },
      {
        method: "GET",
        path: "/memo/bump",
        operationId: "bump",
        handler: () => {
          state.runs++;
          state.version++;
          return json({ bumped: state.version });
        },
      },
      {
        method: "GET",
        path: "/memo/uncached",
        operationId: "uncached",
        handler: () => {
          state.runs++;
          return json({ runs: state.runs });
        },
      },
      {
        method: "POST",
        path: "/memo/value",
        operationId: "setValue",
        handler: async ({ request }) => {
          state.runs++;
          state.value = String((await request.json()).value);
          state.version++;
          return json({ value: state.value });
        },
      },
    ],
    notFound: () => json({ error: "not found" }, 404),
    internalError: () => json({ error: "internal" }, 500),
    cache: {
      version: () => String(state.version),
      key: (ctx, route) =>
        route.operationId === "uncached"
          ? undefined
          : `${ctx.url.pathname}${ctx.url.search}|${ctx.header("authorization") ?? ""}`,
      fresh: () => ({ "x-request-id": `id-${++state.ids}` }),
    },
  };
  return { service, state };
}

function setup(responseCache = true) {
  const { service, state } = cachedService();
  const host = new SimHost({ services: [service], clock: new SimClock(), responseCache });
  return { host, state, fetch: createDirectFetch(host) };
}

const URL_ = "https://memo.test/memo/value";

describe("response cache", () => {
  it("replays a repeated GET without running the route, with fresh ids and the route's notes", async () => {
    const { host, state, fetch } = setup();
    const first = await fetch(URL_, { headers: { authorization: "Bearer x" } });
    const second = await fetch(URL_, { headers: { authorization: "Bearer x" } });
    expect(state.runs).toBe(1);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(first.headers.get("x-request-id")).toBe("id-1");
    expect(second.headers.get("x-request-id")).toBe("id-2");
    const entries = host.journal.entries({ operationId: "getValue" });
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.notes)).toEqual([["computed for Bearer x"], ["computed for Bearer x"]]);
    expect(entries.map((e) => e.status)).toEqual([200, 200]);
  });

  it("keys on the credentials and the query string", async () => {
    const { state, fetch } = setup();
    await fetch(URL_, { headers: { authorization: "Bearer x" } });
    const other = await fetch(URL_, { headers: { authorization: "Bearer y" } });
    expect((await other.json()).who).toBe("Bearer y");
    await fetch(`${URL_}?page=2`, { headers: { authorization: "Bearer x" } });
    expect(state.runs).toBe(3);
  });

  it("runs the route again once the service's version changes", async () => {
    const { state, fetch } = setup();
    await fetch(URL_);
    await fetch(URL_, { method: "POST", body: JSON.stringify({ value: "b" }) });
    expect((await (await fetch(URL_)).json()).value).toBe("b");
    expect(state.runs).toBe(3);
  });

  it("never keeps the answer of a GET that changed the state, nor one the policy declines", async () => {
    const { state, fetch } = setup();
    await fetch("https://memo.test/memo/bump");
    await fetch("https://memo.test/memo/bump");
    expect(state.version).toBe(3);
    await fetch("https://memo.test/memo/uncached");
    expect((await (await fetch("https://memo.test/memo/uncached")).json()).runs).toBe(4);
  });

  it("applies the fault plan before the cache", async () => {
    const { host, state, fetch } = setup();
    await fetch(URL_);
    host.faults.set({ rules: [{ path: "/memo/**", status: 503, requests: [1] }] });
    const faulted = await fetch(URL_);
    expect(faulted.status).toBe(503);
    expect(await faulted.json()).toMatchObject({ error: { status: 503 } });
    expect((await fetch(URL_)).status).toBe(200);
    expect(state.runs).toBe(1);
    expect(host.journal.entries().map((e) => e.status)).toEqual([200, 503, 200]);
  });

  it("is off with responseCache: false", async () => {
    const { state, fetch } = setup(false);
    await fetch(URL_);
    await fetch(URL_);
    expect(state.runs).toBe(2);
  });

  it("is emptied by reset", async () => {
    const { host, state, fetch } = setup();
    await fetch(URL_);
    host.reset();
    await fetch(URL_);
    expect(state.runs).toBe(2);
  });
});

describe("response cache over http", () => {
  let server: RunningServer;
  let state: ReturnType<typeof cachedService>["state"];
  beforeAll(async () => {
    const made = setup();
    state = made.state;
    server = await startHttpServer(made.host);
  });
  afterAll(() => server.close());

  it("writes the stored bytes with one fresh id header and a correct length", async () => {
    const agent = supertest(server.url);
    const first = await agent.get("/memo/value").set("authorization", "Bearer z").expect(200);
    const second = await agent.get("/memo/value").set("authorization", "Bearer z").expect(200);
    expect(state.runs).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.headers["content-length"]).toBe(String(Buffer.byteLength(first.text)));
    // One header, not the stored one plus the fresh one (node would join them: "id-1, id-2").
    expect(second.headers["x-request-id"]).toBe("id-2");
  });

  it("serves the same answers through the express engine", async () => {
    const made = setup();
    const viaExpress = await startHttpServer(made.host, { engine: "express" });
    try {
      const agent = supertest(viaExpress.url);
      const first = await agent.get("/memo/value").expect(200);
      const second = await agent.get("/memo/value").expect(200);
      expect(second.text).toBe(first.text);
      expect(made.state.runs).toBe(1);
    } finally {
      await viaExpress.close();
    }
  });
});

describe("request journal capacity", () => {
  it("keeps the newest entries once full", async () => {
    const { service } = cachedService();
    const host = new SimHost({ services: [service], journalCapacity: 3 });
    const fetch = createDirectFetch(host);
    for (let i = 0; i < 10; i++) await fetch(`${URL_}?i=${i}`);
    expect(host.journal.entries().map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(host.journal.entries({ limit: 2 }).map((e) => e.seq)).toEqual([9, 10]);
  });
});

describe("route context", () => {
  it("works through Object.create (services extend it) and its methods refuse detached calls", async () => {
    const host = new SimHost({
      services: [
        {
          name: "derived",
          hosts: ["derived.test"],
          prefixes: ["/d/"],
          routes: [
            {
              method: "GET",
              path: "/d/x",
              operationId: "x",
              handler: (ctx) => {
                const derived = Object.assign(Object.create(ctx) as typeof ctx, { extra: 1 });
                derived.note("noted");
                const { query, clock } = derived;
                return json({ auth: derived.header("authorization"), q: query.get("q"), now: clock.iso() });
              },
            },
          ],
          notFound: () => json({}, 404),
          internalError: () => json({ error: "internal" }, 500),
        },
      ],
    });
    const res = await createDirectFetch(host)("https://derived.test/d/x?q=1", {
      headers: { authorization: "Bearer t" },
    });
    expect(await res.json()).toMatchObject({ auth: "Bearer t", q: "1" });
    expect(host.journal.entries()[0].notes).toEqual(["noted"]);
    // Compile-time guard: a detached method call does not type-check.
    const detached = (ctx: RouteContext) => {
      const { note } = ctx;
      // @ts-expect-error note must be called on the context
      note("x");
    };
    expect(detached).toBeTypeOf("function");
  });
});
