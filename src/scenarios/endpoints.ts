import type { World } from "../simulators/world.ts";

/**
 * What a client needs to reach the twins of a world: base URLs per real service, the credentials
 * the fixtures define, and the CA file for https. `cgsim serve` prints this as its first line and
 * the external-connector crawl step passes it on in environment variables.
 */
export interface Endpoints {
  /** Origin every simulated service answers on (the http transport serves them all on one port). */
  url: string;
  caFile: string | null;
  admin: string;
  services: string[];
  confluence: {
    /** Where the site's `/wiki` lives on this origin (stands in for https://NAME.atlassian.net/wiki). */
    baseUrl: string;
    /** The OAuth gateway form: …/ex/confluence/{cloudId}/wiki. */
    gatewayUrl: string;
    siteUrl: string;
    cloudId: string;
    /** Basic auth of the crawler account (first admin user, else the first user). */
    email: string | null;
    apiToken: string | null;
  };
  graph: {
    baseUrl: string;
    tokenUrl: string;
    tenantId: string;
    domain: string;
    clientId: string | null;
    clientSecret: string | null;
  };
}

export function describeEndpoints(world: World, url: string, caFile?: string): Endpoints {
  const { store } = world.confluence;
  const users = [...store.users.values()];
  const crawler = users.find((u) => u.admin && u.active) ?? users.find((u) => u.active);
  const app = [...world.directory.apps.values()][0];
  return {
    url,
    caFile: caFile ?? null,
    admin: `${url}/_sim/`,
    services: world.serviceNames,
    confluence: {
      baseUrl: `${url}/wiki`,
      gatewayUrl: `${url}/ex/confluence/${store.site.cloudId}/wiki`,
      siteUrl: `${store.site.baseUrl}/wiki`,
      cloudId: store.site.cloudId,
      email: crawler?.email ?? null,
      apiToken: crawler?.apiTokens[0] ?? null,
    },
    graph: {
      baseUrl: `${url}/v1.0`,
      tokenUrl: `${url}/${world.directory.tenantId}/oauth2/v2.0/token`,
      tenantId: world.directory.tenantId,
      domain: world.directory.domain,
      clientId: app?.appId ?? null,
      clientSecret: app?.secret ?? null,
    },
  };
}
