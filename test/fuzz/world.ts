import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  loadDirectoryFile,
  loadSiteFile,
} from "../../src/fixture-formats/load.ts";
import type { HttpMethod } from "../../src/simulators/host/types.ts";
import { World } from "../../src/simulators/world.ts";
import { defaultSchema } from "../graph/world.ts";

/** One route of one twin, as the fuzzer addresses it. */
export interface Target {
  service: string;
  method: HttpMethod | "*";
  /** rou3 pattern: `/v1.0/external/connections/:connectionId`. */
  path: string;
  /** Origin the direct transport routes to this service: `https://graph.microsoft.com`. */
  origin: string;
}

/** Credentials the fuzzer starts from (and mutates). */
export interface Credentials {
  graphApp: string;
  graphUser: string;
  confluenceBasic: string;
  confluenceOAuth: string;
}

/** Ids that exist, so a share of the random requests gets past the 404s into the deeper code. */
export const KNOWN = {
  connection: "fuzzconn",
  item: "item1",
  group: "fuzzgroup",
  page: "1001",
  space: "ENG",
} as const;

export interface FuzzWorld {
  world: World;
  /** The same world over real http on 127.0.0.1 (a share of the requests goes there, path as-is). */
  origin: string;
  targets: Target[];
  credentials: Credentials;
  /** Puts the known connection, item and group back if a fuzz case deleted them. */
  restore(): Promise<void>;
}

const ORIGINS: Record<string, string> = {
  confluence: "https://contoso.atlassian.net",
  "atlassian-auth": "https://auth.atlassian.com",
  "atlassian-api": "https://api.atlassian.com",
  graph: "https://graph.microsoft.com",
  login: "https://login.microsoftonline.com",
};

/** The contoso world with a ready connection, an item and an external group, and valid credentials. */
export async function fuzzWorld(): Promise<FuzzWorld> {
  const directory = loadDirectoryFile(DEFAULT_DIRECTORY_FILE);
  const world = new World({ site: loadSiteFile(DEFAULT_SITE_FILE), directory });
  const app = directory.apps![0];
  const tokenFor = async (form: Record<string, string>) => {
    const res = await world.fetch(`${ORIGINS.login}/${world.directory.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.secret, ...form }).toString(),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  world.confluence.oauth.registerApp({
    clientId: "fuzz-oauth-app",
    clientSecret: "fuzz-secret",
    name: "fuzz",
    redirectUris: ["https://example.com/callback"],
  });
  const crawler = world.confluence.store.userByEmail("svc-crawler@contoso.com")!;
  const credentials: Credentials = {
    graphApp: await tokenFor({
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }),
    graphUser: await tokenFor({
      grant_type: "password",
      username: "alice@contoso.com",
      password: "Passw0rd!",
      scope: "https://graph.microsoft.com/.default",
    }),
    confluenceBasic: `Basic ${Buffer.from("svc-crawler@contoso.com:crawler-token").toString("base64")}`,
    confluenceOAuth: `Bearer ${
      world.confluence.oauth.issueTokens({
        clientId: "fuzz-oauth-app",
        accountId: crawler.accountId,
        scopes: ["read:confluence-content.all", "read:confluence-space.summary", "search:confluence"],
      }).access_token
    }`,
  };
  const graph = async (method: string, path: string, body: unknown) =>
    world.fetch(`${ORIGINS.graph}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${credentials.graphApp}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const restore = async () => {
    const conn = `/external/connections/${KNOWN.connection}`;
    if (!world.graph.connection(KNOWN.connection)) {
      await graph("POST", "/external/connections", {
        id: KNOWN.connection,
        name: "Fuzz",
        description: "fuzz",
      });
      await graph("PATCH", `${conn}/schema`, defaultSchema);
      world.clock.advance(world.graph.schemaProvisioningMs);
    }
    await graph("PUT", `${conn}/items/${KNOWN.item}`, FUZZ_ITEM);
    await graph("POST", `${conn}/groups`, { id: KNOWN.group, displayName: "Fuzz group" });
  };
  await restore();
  const targets = world.host.services.flatMap((service) =>
    service.routes.map((r) => ({
      service: service.name,
      method: r.method,
      path: r.path,
      origin: ORIGINS[service.name] ?? `https://${service.hosts[0]}`,
    })),
  );
  const { url: origin } = await world.listen();
  return { world, origin, targets, credentials, restore };
}

export const FUZZ_ITEM = {
  acl: [{ type: "everyone", value: "everyone", accessType: "grant" }],
  properties: { title: "zebra crossing", "tags@odata.type": "Collection(String)", tags: ["a"], version: 1 },
  content: { type: "text", value: "a zebra walks" },
};
