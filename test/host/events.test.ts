import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

/** Reads Server-Sent Events from a response body, one `{event, data}` at a time. */
function events(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).getReader();
  let buffer = "";
  return {
    async next(): Promise<{ event: string; data: unknown }> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) return { event, data: JSON.parse(data) };
          continue;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += value;
      }
    },
    /** The next event with this name (others skipped). */
    async until(name: string) {
      for (;;) {
        const e = await this.next();
        if (e.event === name) return e.data as Record<string, unknown>;
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe("the live event stream (GET /_sim/events)", () => {
  const host = new SimHost({ twins: [toyTwin()], clock: new SimClock("2026-03-01T00:00:00Z") });
  installAdminApi(host);
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttpServer(host);
  });
  afterAll(() => server.close());

  it("streams over http: hello, then journaled requests in batches, then state after an admin write", async () => {
    const response = await fetch(`${server.url}/_sim/events`);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const stream = events(response.body!);
    expect(await stream.until("hello")).toMatchObject({
      clock: "2026-03-01T00:00:00.000Z",
      lastSeq: 0,
      entries: 0,
    });

    await fetch(`${server.url}/toy/items/1`);
    await fetch(`${server.url}/toy/items/2`);
    const seen: unknown[] = [];
    while (seen.length < 2) seen.push(...((await stream.until("requests")) as unknown as unknown[]));
    expect(seen).toMatchObject([
      { seq: 1, path: "/toy/items/1", operationId: "getItem", status: 200 },
      { seq: 2, path: "/toy/items/2" },
    ]);

    await fetch(`${server.url}/_sim/clock`, { method: "POST", body: JSON.stringify({ advance: "1h" }) });
    let state = await stream.until("state");
    while (state.clock !== "2026-03-01T01:00:00.000Z") state = await stream.until("state");
    expect(state).toMatchObject({ lastSeq: 2, entries: 2 });
    await stream.cancel();
  });

  it("stops listening when the reader goes away", async () => {
    const before = host.activity.listeners;
    const response = await createDirectFetch(host)("http://127.0.0.1/_sim/events");
    const stream = events(response.body!);
    await stream.until("hello");
    expect(host.activity.listeners).toBe(before + 1);
    await stream.cancel();
    expect(host.activity.listeners).toBe(before);
  });

  it("streams through msw too, and lets go when the reader does", async () => {
    const before = host.activity.listeners;
    const msw = interceptWithMsw(host);
    try {
      const response = await fetch("http://127.0.0.1/_sim/events");
      const stream = events(response.body!);
      await stream.until("hello");
      await createDirectFetch(host)("https://acme.toy.test/toy/items/5");
      expect(await stream.until("requests")).toMatchObject([{ path: "/toy/items/5" }]);
      await stream.cancel();
    } finally {
      msw.close();
    }
    await expect.poll(() => host.activity.listeners).toBe(before);
  });

  it("is closed with the server", async () => {
    const other = await startHttpServer(host);
    const response = await fetch(`${other.url}/_sim/events`);
    const stream = events(response.body!);
    await stream.until("hello");
    await other.close();
    await expect(stream.until("never")).rejects.toThrow();
  });
});
