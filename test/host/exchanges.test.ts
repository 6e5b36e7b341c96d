import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExchangeStore } from "../../src/simulators/host/exchanges.ts";
import {
  createDirectFetch,
  installAdminApi,
  interceptWithMsw,
  type RunningServer,
  SimClock,
  SimHost,
  startHttpServer,
} from "../../src/simulators/host/index.ts";
import { toyTwin } from "./toy-service.ts";

function makeHost(exchanges = true) {
  const host = new SimHost({
    twins: [toyTwin()],
    clock: new SimClock("2026-03-01T00:00:00Z"),
    exchanges,
  });
  installAdminApi(host);
  return host;
}

interface Detail {
  entry: { seq: number; status: number; operationId: string | null };
  exchange: {
    request: { headers: [string, string][]; body: { text: string | null } };
    response: { headers: [string, string][]; body: { text: string | null; truncated?: boolean } } | null;
  } | null;
  exchangeMissing?: string;
  nearMisses: { method: string; path: string; operationId: string; distance: number }[];
}

describe("request and response headers and bodies (GET /_sim/requests/detail)", () => {
  let server: RunningServer;
  const host = makeHost();
  beforeAll(async () => {
    server = await startHttpServer(host);
  });
  afterAll(() => server.close());
  const detail = async (seq: number): Promise<Detail> =>
    (await fetch(`${server.url}/_sim/requests/detail?seq=${seq}`)).json() as Promise<Detail>;

  it("keeps what the client sent and what the route answered, over http", async () => {
    const res = await fetch(`${server.url}/toy/items`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-trace": "abc" },
      body: JSON.stringify({ name: "widget" }),
    });
    expect(res.status).toBe(201);
    const seq = host.journal.lastSeq;
    const { entry, exchange } = await detail(seq);
    expect(entry).toMatchObject({ seq, status: 201, operationId: "createItem" });
    expect(exchange?.request.headers).toEqual(expect.arrayContaining([["x-trace", "abc"]]));
    expect(exchange?.request.body.text).toBe('{"name":"widget"}');
    expect(exchange?.response?.headers).toEqual(expect.arrayContaining([["location", "/toy/items/1"]]));
    expect(JSON.parse(exchange?.response?.body.text ?? "")).toEqual({ created: { name: "widget" } });
  });

  it("keeps a replayed (cached) answer's bytes and fresh headers", async () => {
    await fetch(`${server.url}/toy/items/9`);
    await fetch(`${server.url}/toy/items/9`);
    const { exchange } = await detail(host.journal.lastSeq);
    expect(JSON.parse(exchange?.response?.body.text ?? "")).toMatchObject({ id: "9" });
  });

  it("names the nearest routes for a path no route matches, and for the wrong method", async () => {
    expect((await fetch(`${server.url}/toy/item/3`)).status).toBe(404);
    const missed = await detail(host.journal.lastSeq);
    expect(missed.entry.operationId).toBeNull();
    expect(missed.nearMisses[0]).toMatchObject({
      method: "GET",
      path: "/toy/items/:id",
      operationId: "getItem",
    });
    expect(missed.nearMisses[0].distance).toBeGreaterThan(0);
    expect(missed.nearMisses[0].distance).toBeLessThan(1);

    expect((await fetch(`${server.url}/toy/items/3`, { method: "DELETE" })).status).toBe(405);
    const wrongMethod = await detail(host.journal.lastSeq);
    expect(wrongMethod.nearMisses[0]).toMatchObject({ path: "/toy/items/:id", distance: 0.5 });
    // A request a route answered has none.
    const ok = await detail(host.journal.lastSeq - 2);
    expect(ok.nearMisses).toEqual([]);
  });

  it("answers 400 for a bad seq and 404 for one it does not keep", async () => {
    expect((await fetch(`${server.url}/_sim/requests/detail?seq=x`)).status).toBe(400);
    expect((await fetch(`${server.url}/_sim/requests/detail`)).status).toBe(400);
    const missing = await fetch(`${server.url}/_sim/requests/detail?seq=999999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining("no journal entry 999999") });
  });
});

describe("exchanges on the other transports", () => {
  it("direct: a string body and the init headers", async () => {
    const host = makeHost();
    const fetch = createDirectFetch(host);
    await fetch("https://acme.toy.test/toy/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    const exchange = host.exchanges?.get(host.journal.lastSeq);
    expect(exchange?.request).toEqual({
      headers: [["content-type", "application/json"]],
      body: { text: '{"a":1}', length: 7, truncated: false },
    });
  });

  it("msw: the body the route read through the Fetch Request is kept too", async () => {
    const host = makeHost();
    const server = interceptWithMsw(host);
    try {
      await fetch("https://acme.toy.test/toy/items", { method: "POST", body: '{"b":2}' });
      expect(host.exchanges?.get(host.journal.lastSeq)?.request.body).toMatchObject({ text: '{"b":2}' });
      await fetch("https://acme.toy.test/toy/nope", { method: "POST", body: "unread" });
      expect(host.exchanges?.get(host.journal.lastSeq)?.request.body).toMatchObject({ text: "unread" });
    } finally {
      server.close();
    }
  });

  it("keeps nothing unless asked (SimHostOptions.exchanges), and says so", async () => {
    const host = makeHost(false);
    await createDirectFetch(host)("https://acme.toy.test/toy/items/1");
    expect(host.exchanges).toBeUndefined();
    const res = await createDirectFetch(host)(
      `http://127.0.0.1/_sim/requests/detail?seq=${host.journal.lastSeq}`,
    );
    expect(await res.json()).toMatchObject({
      exchange: null,
      exchangeMissing: expect.stringContaining("keeps no headers"),
    });
  });
});

describe("ExchangeStore limits", () => {
  const request = (body: string) => ({
    method: "POST",
    url: "https://x/",
    header: () => null,
    text: async () => body,
    toRequest: () => new Request("https://x/"),
    bodyText: () => body,
  });
  const answer = { kind: "response" as const, response: new Response(null, { status: 204 }) };

  it("cuts each body at maxBodyChars and says how long it was", async () => {
    const store = new ExchangeStore({ maxBodyChars: 10 });
    await store.record(1, request("x".repeat(25)), answer);
    expect(store.get(1)?.request.body).toEqual({ text: "x".repeat(10), length: 25, truncated: true });
  });

  it("drops the oldest entries past maxEntries or maxTotalChars", async () => {
    const store = new ExchangeStore({ maxEntries: 3, maxTotalChars: 1000 });
    for (let seq = 1; seq <= 5; seq++) await store.record(seq, request("a"), answer);
    expect([1, 2, 3, 4, 5].map((s) => store.get(s) !== undefined)).toEqual([false, false, true, true, true]);
    const byChars = new ExchangeStore({ maxEntries: 100, maxTotalChars: 250, maxBodyChars: 100 });
    for (let seq = 1; seq <= 5; seq++) await byChars.record(seq, request("b".repeat(100)), answer);
    expect(byChars.size).toBe(2);
    expect(byChars.get(5)).toBeDefined();
  });

  it("records a dropped connection as no response", async () => {
    const store = new ExchangeStore();
    await store.record(1, request(""), { kind: "drop" });
    expect(store.get(1)?.response).toBeNull();
  });
});
