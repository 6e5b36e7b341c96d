import { describe, expect, it } from "vitest";
import { item, makeWorld } from "./world.ts";

// The admin API answers on loopback only, never on a twin's host.
const SIM = "http://127.0.0.1/_sim";

describe("Graph admin API", () => {
  it("drives quotas, obsolescence, throttling, access, resolve, search and the directory over HTTP", async () => {
    const w = makeWorld();
    const post = async (path: string, body: unknown, method = "POST") =>
      (
        await w.fetch(`${SIM}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json();
    const get = async (path: string) => (await w.fetch(`${SIM}${path}`)).json();
    await w.readyConnection("wiki");
    await w.call(
      "PUT",
      "/external/connections/wiki/items/1",
      item("Roadmap", [{ type: "everyone", value: "everyone", accessType: "grant" }]),
    );
    expect(await get("/graph/access?user=bob@contoso.onmicrosoft.com&connection=wiki&item=1")).toMatchObject({
      allowed: true,
    });
    expect(
      (await post("/graph/search", { user: "bob@contoso.onmicrosoft.com", query: "roadmap" })).total,
    ).toBe(1);
    expect(await get("/graph/resolve?connection=wiki&url=https://x")).toEqual({ match: null });
    await post("/graph/quota", { connection: "wiki", items: 1 });
    expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe("limitExceeded");
    await post("/graph/obsolete", { connection: "wiki" });
    expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe("obsolete");
    expect(await post("/graph/throttle", { itemsPerSecond: 25 })).toEqual({ itemsPerSecond: 25 });
    expect(await get("/graph/retry-discipline")).toEqual({ records: [] });
    expect((await post("/graph/obsolete", {})).error).toMatch(/connection/);
    const group = await post("/directory/members", {
      group: "Everyone Sales",
      member: "alice@contoso.onmicrosoft.com",
    });
    expect(group.members).toHaveLength(2);
    const replaced = await post(
      "/directory",
      { tenant: "fabrikam.onmicrosoft.com", users: [{ upn: "zoe" }] },
      "PUT",
    );
    expect(replaced.users.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual([
      "zoe@fabrikam.onmicrosoft.com",
    ]);
    expect((await post("/directory", { tenant: "x", users: [{ nope: 1 }] }, "PUT")).error).toMatch(
      /users\.0/,
    );
  });
});
