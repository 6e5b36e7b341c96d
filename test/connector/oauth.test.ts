import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../src/connector/state.ts";
import { KNOWN_SCOPES } from "../../src/simulators/confluence/auth/scopes.ts";
import { accountIdFor } from "../../src/simulators/confluence/seed.ts";
import { DIRECTORY, SITE } from "./fixture.ts";
import { configFor, connectorFor, indexOf, makeWorld } from "./harness.ts";

const APP = { clientId: "msgraphconnector", clientSecret: "oauth-secret" };

function oauthWorld() {
  const world = makeWorld(SITE, DIRECTORY);
  world.confluence.oauth.registerApp({
    ...APP,
    name: "Microsoft Graph connector",
    redirectUris: ["https://gcs.office.com/v1.0/admin/oauth/callback"],
  });
  const tokens = world.confluence.oauth.issueTokens({
    clientId: APP.clientId,
    accountId: accountIdFor("svc"),
    scopes: [...KNOWN_SCOPES],
  });
  const config = configFor(world, {
    confluence: {
      siteUrl: "https://acme.atlassian.net",
      auth: { type: "oauth", ...APP, refreshToken: tokens.refresh_token! },
    },
  });
  return { world, config };
}

describe("OAuth 2.0 (3LO)", () => {
  it("crawls through the gateway with the cloud id from accessible-resources and persists the rotated refresh token", async () => {
    const { world, config } = oauthWorld();
    const state = new MemoryStateStore();
    await connectorFor(world, config, state).fullCrawl();
    expect(Object.keys(indexOf(world)).length).toBe(13);
    const paths = world.host.journal.entries({}).map((e) => `${e.host}${e.path}`);
    expect(
      paths.some((p) =>
        p.startsWith(
          `api.atlassian.com/ex/confluence/${world.confluence.store.site.cloudId}/wiki/api/v2/spaces`,
        ),
      ),
    ).toBe(true);
    expect(paths).toContain("api.atlassian.com/oauth/token/accessible-resources");
    const rotated = state.peek()?.oauth?.current;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe((config.confluence.auth as { refreshToken: string }).refreshToken);

    // The next run (access token long expired) refreshes with the rotated token, not the configured one.
    world.clock.advance(6 * 3_600_000);
    const again = await connectorFor(world, config, state).fullCrawl();
    expect(again.complete).toBe(true);
  });

  it("a revoked grant fails with 1005 (expired credentials) and keeps the index", async () => {
    const { world, config } = oauthWorld();
    const state = new MemoryStateStore();
    await connectorFor(world, config, state).fullCrawl();
    const before = indexOf(world);
    world.confluence.oauth.revoke(accountIdFor("svc"));
    world.clock.advance(2 * 3_600_000);
    const failed = await connectorFor(world, config, state).fullCrawl();
    expect(failed.fatal).toMatchObject({ code: 1005, phase: "setup" });
    expect(indexOf(world)).toEqual(before);
  });
});
