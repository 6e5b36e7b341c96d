import { describe, expect, it } from "vitest";
import { CAPTURE_SCOPES, captureConfluenceCommand } from "../../src/capture/commands.ts";
import { loadCapture } from "../../src/capture/load.ts";
import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  loadDirectoryFile,
  loadSiteFile,
} from "../../src/fixture-formats/load.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { World } from "../../src/simulators/world.ts";
import { captureWorld, recordingSleep, tempCaptureDir } from "./support.ts";

const contoso = () =>
  new World({ site: loadSiteFile(DEFAULT_SITE_FILE), directory: loadDirectoryFile(DEFAULT_DIRECTORY_FILE) });

describe("capture over http: what it sends", () => {
  it("sends only GETs to Confluence and Graph; the one POST is the token request to the login service", async () => {
    const scenario = loadScenarioObject({ name: "crawl", steps: [{ crawl: "full" }] });
    let methods: string[] = [];
    let posts: string[] = [];
    await runScenario(scenario, {
      inspect: {
        fn: async (ctx) => {
          const since = ctx.world.host.journal.entries().at(-1)?.seq ?? 0;
          // Graph throttles two reads: the capture waits as told and goes on.
          ctx.world.host.faults.set({
            seed: 1,
            rules: [{ service: "graph", status: 429, retryAfter: 3, requests: [2, 5] }],
          });
          const run = await captureWorld(ctx.world, { graph: true });
          expect(run.waits).toEqual([3000, 3000]);
          const sent = ctx.world.host.journal.entries().filter((e) => e.seq > since);
          methods = [...new Set(sent.filter((e) => e.service !== "login").map((e) => e.method))];
          posts = sent.filter((e) => e.method !== "GET").map((e) => `${e.service} ${e.method} ${e.path}`);
          expect(sent.length).toBeGreaterThan(30);
        },
      },
    });
    expect(methods).toEqual(["GET"]);
    expect(posts).toEqual([expect.stringMatching(/^login POST \/[0-9a-f-]+\/oauth2\/v2\.0\/token$/)]);
  });

  it("waits for Retry-After on 429 and 503 and still captures everything", async () => {
    const world = contoso();
    world.host.faults.set({
      seed: 1,
      rules: [
        { service: "confluence", status: 429, retryAfter: 7, requests: [2, 3] },
        { service: "confluence", status: 503, retryAfter: 2, requests: [9] },
      ],
    });
    try {
      const run = await captureWorld(world);
      expect(run.waits).toEqual([7000, 7000, 2000]);
      expect(run.confluence.retries).toBe(3);
      expect(loadCapture(run.out).manifest.confluence?.counts.pages).toBeGreaterThan(10);
    } finally {
      await world.close();
    }
  });

  it("resumes an interrupted capture where it stopped", async () => {
    const world = contoso();
    try {
      const server = await world.listen();
      const out = tempCaptureDir();
      const auth = { type: "basic" as const, email: "svc-crawler@contoso.com", apiToken: "crawler-token" };
      let sent = 0;
      // The connection drops for good after 20 requests (a laptop closed, a proxy restarted).
      const failing: typeof fetch = async (input, init) => {
        if (++sent > 20) throw new TypeError("fetch failed");
        return fetch(input, init);
      };
      const { sleep } = recordingSleep();
      await expect(
        captureConfluenceCommand({ site: server.url, out, auth, anonymise: false, fetch: failing, sleep }),
      ).rejects.toThrow(/fetch failed \(after 8 attempts\)/);
      const fresh = await captureWorld(world);
      const resumed = await captureConfluenceCommand({
        site: server.url,
        out,
        auth,
        anonymise: false,
        sleep,
      });
      expect(resumed.requests).toBeLessThan(fresh.confluence.requests - 10);
      expect(loadCapture(out).site.spec).toEqual(loadCapture(fresh.out).site.spec);
    } finally {
      await world.close();
    }
  });

  it("captures with an OAuth 3LO bearer token through the API gateway", async () => {
    const world = contoso();
    try {
      const server = await world.listen();
      const crawler = world.confluence.store.userByEmail("svc-crawler@contoso.com")!;
      world.confluence.oauth.registerApp({
        clientId: "capture",
        clientSecret: "s",
        name: "capture",
        redirectUris: ["https://localhost/cb"],
      });
      const tokens = world.confluence.oauth.issueTokens({
        clientId: "capture",
        accountId: crawler.accountId,
        scopes: CAPTURE_SCOPES,
      });
      const basic = await captureWorld(world);
      const out = tempCaptureDir();
      // The site as the Basic capture reached it (the serve origin): the twin's links name the
      // origin a client reached, so both captures learn the same site name.
      await captureConfluenceCommand({
        site: server.url,
        out,
        anonymise: false,
        auth: { type: "bearer", token: tokens.access_token, gatewayUrl: server.url },
        fetch: (input, init) => {
          const url = new URL(input instanceof Request ? input.url : String(input));
          return fetch(`${server.url}${url.pathname}${url.search}`, init);
        },
      });
      expect(loadCapture(out).site.spec).toEqual(loadCapture(basic.out).site.spec);
    } finally {
      await world.close();
    }
  });
});
