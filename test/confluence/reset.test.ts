import { describe, expect, it } from "vitest";
import { testWorld } from "../support/world.ts";

const auth = {
  authorization: `Basic ${Buffer.from("alice@acme.example.com:token-alice").toString("base64")}`,
};

describe("POST /_sim/reset on the Confluence twin", () => {
  it("rebuilds the site from its spec and refills rate-limit buckets", async () => {
    const { confluence: twin, fetch } = testWorld({
      site: { users: [{ name: "alice" }], spaces: [{ key: "ENG", pages: [{ title: "Home" }] }] },
      confluence: { rateLimit: { rules: [{ capacity: 2, refillPerSecond: 0.001 }] } },
    });
    const titles = async () => {
      const res = await fetch("https://acme.atlassian.net/wiki/api/v2/pages", { headers: auth });
      return {
        status: res.status,
        titles: res.ok
          ? ((await res.json()) as { results: { title: string }[] }).results.map((p) => p.title)
          : [],
      };
    };

    const space = twin.store.spaceByKey("ENG")!;
    twin.store.addContent({ type: "page", spaceId: space.id, title: "Added later" });
    expect((await titles()).titles).toEqual(["Home", "Added later"]);

    expect((await titles()).status).toBe(200);
    expect((await titles()).status).toBe(429);

    await fetch("http://127.0.0.1/_sim/reset", { method: "POST" });
    expect(twin.store.content.size).toBe(1);
    expect(await titles()).toEqual({ status: 200, titles: ["Home"] });
  });
});
