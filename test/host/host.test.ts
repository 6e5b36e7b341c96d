import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDirectFetch,
  createExpressApp,
  installAdminApi,
  interceptWithMsw,
  type RunningServer,
  SimClock,
  SimHost,
  startHttpServer,
} from "../../src/simulators/host/index.ts";
import { toyTwin } from "./toy-service.ts";

function makeHost() {
  const host = new SimHost({ twins: [toyTwin()], clock: new SimClock("2026-03-01T00:00:00Z") });
  installAdminApi(host);
  return host;
}

describe("host routing through the direct transport", () => {
  const host = makeHost();
  const fetch = createDirectFetch(host);

  it("routes by path with decoded params and query", async () => {
    const res = await fetch("https://acme.toy.test/toy/items/a%20b?q=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toMatchObject({ id: "a b", q: "1", now: "2026-03-01T00:00:00.000Z" });
  });

  it("lets the owning service render 404 and 405, and 500 without a stack trace", async () => {
    expect(await (await fetch("https://acme.toy.test/toy/nope")).json()).toEqual({ toyError: "not found" });
    const wrongMethod = await fetch("https://acme.toy.test/toy/items/1", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    const boom = await fetch("https://acme.toy.test/toy/boom");
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("kaboom");
    const entry = host.journal.entries({ operationId: "boom" }).at(-1);
    expect(entry?.notes?.[0]).toContain("kaboom");
  });

  it("fails like DNS for hosts no service answers on", async () => {
    await expect(fetch("https://elsewhere.example.com/toy/items/1")).rejects.toThrow("fetch failed");
  });

  it("journals method, url, status, service and operation", async () => {
    host.journal.clear();
    await fetch("https://acme.toy.test/toy/items/7");
    const [entry] = host.journal.entries();
    expect(entry).toMatchObject({
      method: "GET",
      service: "toy",
      operationId: "getItem",
      status: 200,
      host: "acme.toy.test",
    });
    expect(entry.at).toBe(host.clock.iso());
  });
});

describe("fault plan", () => {
  it("fails exactly the requested ordinals with Retry-After, then succeeds", async () => {
    const host = makeHost();
    const fetch = createDirectFetch(host);
    host.faults.set({ rules: [{ service: "toy", status: 429, retryAfter: 7, requests: [3, 4] }] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch("https://a.toy.test/toy/items/1")).status);
    expect(statuses).toEqual([200, 200, 429, 429, 200, 200]);
    expect(host.journal.entries({ status: 429 }).map((e) => e.retryAfter)).toEqual([7, 7]);
  });

  it("counts a request for every rule it matches, even when an earlier rule fired", async () => {
    const host = makeHost();
    const fetch = createDirectFetch(host);
    host.faults.set({
      rules: [
        { service: "toy", status: 503, requests: [1] },
        { service: "toy", status: 502, requests: [2] },
      ],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch("https://a.toy.test/toy/items/1")).status);
    expect(statuses).toEqual([503, 502, 200]);
  });

  it("is deterministic for a seed and probability", async () => {
    const run = async (seed: number) => {
      const host = makeHost();
      const fetch = createDirectFetch(host);
      host.faults.set({ seed, rules: [{ path: "/toy/**", status: 503, probability: 0.3 }] });
      const out: number[] = [];
      for (let i = 0; i < 50; i++) out.push((await fetch("https://a.toy.test/toy/items/1")).status);
      return out;
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(5);
    expect(a.filter((s) => s === 503).length).toBeLessThan(30);
    expect(await run(43)).not.toEqual(a);
  });

  it("drops connections and truncates bodies in-process", async () => {
    const host = makeHost();
    const fetch = createDirectFetch(host);
    host.faults.set({
      rules: [
        { method: "GET", drop: true, times: 1 },
        { method: "GET", truncate: 10, times: 1 },
      ],
    });
    await expect(fetch("https://a.toy.test/toy/items/1")).rejects.toThrow("fetch failed");
    const cut = await fetch("https://a.toy.test/toy/items/1");
    await expect(cut.json()).rejects.toThrow();
    expect((await fetch("https://a.toy.test/toy/items/1")).status).toBe(200);
  });
});

describe("admin API", () => {
  const host = makeHost();
  const fetch = createDirectFetch(host);

  it("advances and sets the clock", async () => {
    const res = await fetch("http://127.0.0.1/_sim/clock", {
      method: "POST",
      body: JSON.stringify({ advance: "1h30m" }),
    });
    expect(await res.json()).toEqual({ now: "2026-03-01T01:30:00.000Z" });
    const bad = await fetch("http://127.0.0.1/_sim/clock", {
      method: "POST",
      body: JSON.stringify({ advance: "soon" }),
    });
    expect(bad.status).toBe(400);
  });

  it("sets faults, lists requests, reports state and resets", async () => {
    const put = await fetch("http://127.0.0.1/_sim/faults", {
      method: "PUT",
      body: JSON.stringify({ rules: [{ path: "/toy/items/*", status: 500, times: 1 }] }),
    });
    expect(put.status).toBe(200);
    expect((await fetch("https://a.toy.test/toy/items/1")).status).toBe(500);
    expect((await fetch("https://a.toy.test/toy/items/1")).status).toBe(200);
    const log = (await (await fetch("http://127.0.0.1/_sim/requests?service=toy")).json()) as {
      count: number;
    };
    expect(log.count).toBe(2);
    const state = (await (await fetch("http://127.0.0.1/_sim/state")).json()) as {
      services: { toy: { hits: number } };
    };
    expect(state.services.toy.hits).toBe(1);
    await fetch("http://127.0.0.1/_sim/reset", { method: "POST" });
    expect(host.journal.count()).toBe(0);
    const bad = await fetch("http://127.0.0.1/_sim/faults", {
      method: "PUT",
      body: JSON.stringify({ rules: [{}] }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("the three transports give the same answers", () => {
  const host = makeHost();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttpServer(host);
  });
  afterAll(async () => {
    await server.close();
  });

  const requests = [
    { method: "GET", path: "/toy/items/42?q=x" },
    { method: "POST", path: "/toy/items", body: { name: "n" } },
    { method: "GET", path: "/toy/missing" },
    { method: "PUT", path: "/toy/items/1" },
  ];

  it("direct, msw and express agree on status, body and headers", async () => {
    const direct = createDirectFetch(host);
    const viaDirect = [];
    for (const r of requests) {
      const res = await direct(`https://a.toy.test${r.path}`, {
        method: r.method,
        body: r.body ? JSON.stringify(r.body) : undefined,
      });
      viaDirect.push({ status: res.status, body: await res.json(), location: res.headers.get("location") });
    }
    const msw = interceptWithMsw(host);
    const viaMsw = [];
    try {
      for (const r of requests) {
        const res = await globalThis.fetch(`https://a.toy.test${r.path}`, {
          method: r.method,
          body: r.body ? JSON.stringify(r.body) : undefined,
        });
        viaMsw.push({ status: res.status, body: await res.json(), location: res.headers.get("location") });
      }
    } finally {
      msw.close();
    }
    const viaHttp = [];
    for (const r of requests) {
      const res = await globalThis.fetch(`${server.url}${r.path}`, {
        method: r.method,
        body: r.body ? JSON.stringify(r.body) : undefined,
      });
      viaHttp.push({ status: res.status, body: await res.json(), location: res.headers.get("location") });
    }
    expect(viaMsw).toEqual(viaDirect);
    expect(viaHttp).toEqual(viaDirect);
  });

  it("serves the app to supertest and drops connections over http", async () => {
    const res = await supertest(createExpressApp(host)).get("/toy/items/5").expect(200);
    expect(res.body.id).toBe("5");
    host.faults.set({ rules: [{ drop: true, times: 1 }] });
    await expect(globalThis.fetch(`${server.url}/toy/items/1`)).rejects.toThrow();
    host.faults.clear();
  });

  it("serves https with a generated CA", async () => {
    const tls = await startHttpServer(host, { https: true });
    try {
      expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(tls.caFile).toBeDefined();
      const https = await import("node:https");
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${tls.url}/toy/items/9`, { ca: tls.ca }, (res) => {
            let data = "";
            res.on("data", (c) => {
              data += c;
            });
            res.on("end", () => resolve(data));
          })
          .on("error", reject);
      });
      expect(JSON.parse(body).id).toBe("9");
    } finally {
      await tls.close();
    }
  });
});

describe("msw transport: response bodies behave like a socket's", () => {
  /** Settles with "timeout" instead of hanging the test when a promise never does. */
  const within = <T>(p: Promise<T>, ms = 2000) =>
    Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);

  it("lets a client cancel a body unread (a discarded 429), and still read the others", async () => {
    const host = makeHost();
    const msw = interceptWithMsw(host);
    try {
      const ok = await globalThis.fetch("https://a.toy.test/toy/items/1");
      expect(ok.status).toBe(200);
      expect(await within(ok.body!.cancel())).toBeUndefined();
      host.faults.set({ rules: [{ status: 429, retryAfter: 3, times: 1 }] });
      const throttled = await globalThis.fetch("https://a.toy.test/toy/items/2");
      expect(throttled.status).toBe(429);
      expect(await within(throttled.body!.cancel())).toBeUndefined();
      const read = await globalThis.fetch("https://a.toy.test/toy/items/3");
      expect((await within(read.json())) as { id: string }).toMatchObject({ id: "3" });
      host.faults.set({ rules: [{ truncate: true, times: 1 }] });
      const cut = await globalThis.fetch("https://a.toy.test/toy/items/4");
      // A body cut short is errored: cancel settles (rejecting with the socket error), never hangs.
      const settled = cut.body!.cancel().then(
        () => "resolved",
        () => "rejected",
      );
      expect(await within(settled)).not.toBe("timeout");
    } finally {
      msw.close();
    }
  });
});
