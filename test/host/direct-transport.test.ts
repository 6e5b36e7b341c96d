import { describe, expect, it } from "vitest";
import { createDirectFetch, json, type RouteContext, SimHost } from "../../src/simulators/host/index.ts";

/** A service that echoes what its route saw, through the cheap accessors and through ctx.request. */
function echoHost() {
  const seen: { viaText?: string; viaRequest?: string; header?: string | null; method?: string }[] = [];
  const echo = async (ctx: RouteContext, useRequest: boolean) => {
    const entry = {
      method: ctx.method,
      header: ctx.header("x-multi"),
      ...(useRequest ? { viaRequest: await ctx.request.text() } : { viaText: await ctx.text() }),
    };
    seen.push(entry);
    return json(entry);
  };
  const host = new SimHost({
    services: [
      {
        name: "echo",
        hosts: ["echo.test"],
        prefixes: ["/e/"],
        routes: [
          { method: "*", path: "/e/text", operationId: "text", handler: (ctx) => echo(ctx, false) },
          { method: "*", path: "/e/request", operationId: "request", handler: (ctx) => echo(ctx, true) },
        ],
        notFound: () => json({}, 404),
        internalError: (_ctx, error) => json({ error: String(error) }, 500),
      },
    ],
  });
  return { fetch: createDirectFetch(host), seen };
}

describe("direct transport without a Fetch Request", () => {
  it("hands routes the method, headers in every HeadersInit form, and the text body", async () => {
    const { fetch } = echoHost();
    const forms: HeadersInit[] = [
      { "X-Multi": "a" },
      [
        ["x-multi", "a"],
        ["X-MULTI", "b"],
      ],
      new Headers([
        ["x-multi", "a"],
        ["x-multi", "b"],
      ]),
    ];
    const answers = [];
    for (const headers of forms) {
      const res = await fetch("https://echo.test/e/text", { method: "put", headers, body: "payload" });
      answers.push(await res.json());
    }
    expect(answers).toEqual([
      { method: "PUT", header: "a", viaText: "payload" },
      { method: "PUT", header: "a, b", viaText: "payload" },
      { method: "PUT", header: "a, b", viaText: "payload" },
    ]);
  });

  it("builds the same Fetch Request on demand, body included", async () => {
    const { fetch } = echoHost();
    const res = await fetch(new URL("https://echo.test/e/request"), {
      method: "POST",
      headers: { "x-multi": "z" },
      body: "via request",
    });
    expect(await res.json()).toEqual({ method: "POST", header: "z", viaRequest: "via request" });
  });

  it("still takes Request objects and binary bodies", async () => {
    const { fetch } = echoHost();
    const fromRequest = await fetch(new Request("https://echo.test/e/text", { method: "POST", body: "req" }));
    expect((await fromRequest.json()).viaText).toBe("req");
    const binary = await fetch("https://echo.test/e/text", {
      method: "POST",
      body: new TextEncoder().encode("bytes"),
    });
    expect((await binary.json()).viaText).toBe("bytes");
  });
});
