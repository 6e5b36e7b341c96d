import type { User } from "../simulators/confluence/model.ts";
import type { World } from "../simulators/world.ts";
import { confluenceAccountOf } from "./oracle/truth.ts";

/**
 * What a client needs to reach the twins of a world: base URLs per real service, the credentials
 * the fixtures define, and the CA file for https. `cgsim serve` prints this as its first line and
 * the external-connector crawl step passes it on in environment variables.
 */
export interface Endpoints {
  /** Origin every simulated service answers on (the http transport serves them all on one port). */
  url: string;
  caFile: string | null;
  /** The forward proxy in front of the real hosts (`cgsim serve --proxy`), or null. */
  proxy: string | null;
  /** Environment variables a client process needs to reach the twins (see `clientEnv`). */
  env: Record<string, string>;
  /** Directory users with their ROPC password and their Confluence account, where they have one. */
  users: EndpointUser[];
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
    /** The first registered OAuth 2.0 (3LO) app: what a 3LO client needs to sign in. */
    oauth: {
      clientId: string;
      clientSecret: string;
      redirectUri: string;
      authorizeUrl: string;
      tokenUrl: string;
    } | null;
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

export interface EndpointUser {
  upn: string;
  displayName: string;
  /** The password the token endpoint accepts for ROPC (`grant_type=password`). */
  password: string;
  /** The Confluence account of the same person (matched by email to UPN or mail), if any. */
  confluence: { email: string; accountId: string } | null;
}

/** The Confluence account a client of the served world crawls as: the first admin, else the first active user. */
export function crawlerAccount(world: World): User | undefined {
  const users = [...world.confluence.store.users.values()];
  return users.find((u) => u.admin && u.active) ?? users.find((u) => u.active);
}

export function describeEndpoints(world: World, url: string, caFile?: string, proxy?: string): Endpoints {
  const { store } = world.confluence;
  const crawler = crawlerAccount(world);
  const app = [...world.directory.apps.values()][0];
  const oauthApp = [...world.confluence.oauth.apps.values()][0];
  return {
    url,
    caFile: caFile ?? null,
    proxy: proxy ?? null,
    env: clientEnv({ proxy, caFile }),
    users: [...world.directory.users.values()].map((user) => {
      const account = confluenceAccountOf(world, user);
      return {
        upn: user.userPrincipalName,
        displayName: user.displayName,
        password: user.password,
        confluence: account ? { email: account.email, accountId: account.accountId } : null,
      };
    }),
    admin: `${url}/_sim/`,
    services: world.serviceNames,
    confluence: {
      baseUrl: `${url}/wiki`,
      gatewayUrl: `${url}/ex/confluence/${store.site.cloudId}/wiki`,
      siteUrl: `${store.site.baseUrl}/wiki`,
      cloudId: store.site.cloudId,
      email: crawler?.email ?? null,
      apiToken: crawler?.apiTokens[0] ?? null,
      oauth: oauthApp
        ? {
            clientId: oauthApp.clientId,
            clientSecret: oauthApp.clientSecret,
            redirectUri: oauthApp.redirectUris[0] ?? "",
            authorizeUrl: "https://auth.atlassian.com/authorize",
            tokenUrl: "https://auth.atlassian.com/oauth/token",
          }
        : null,
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

/** Hosts a client must reach directly, never through the proxy: the serve origin itself. */
const LOCAL_HOSTS = "localhost,127.0.0.1,::1";

/**
 * The environment a client process needs to reach a running world: the proxy for the real hosts
 * (upper and lower case: curl reads only `http_proxy` for http URLs, most tools read both), Node's
 * opt-in to honour them in fetch and node:http (`NODE_USE_ENV_PROXY`, Node ≥ 22.21 / 24.5), and the
 * CA file for Node, OpenSSL tools, Python requests and curl. Empty parts are left out.
 */
export function clientEnv(options: {
  proxy?: string | null;
  caFile?: string | null;
}): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.proxy) {
    for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"]) env[name] = options.proxy;
    env.NO_PROXY = LOCAL_HOSTS;
    env.no_proxy = LOCAL_HOSTS;
    env.NODE_USE_ENV_PROXY = "1";
  }
  if (options.caFile) {
    for (const name of ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]) {
      env[name] = options.caFile;
    }
  }
  return env;
}

/**
 * `env` as a dotenv file, one `NAME=value` a line (Node's `--env-file`, dotenv, python-dotenv,
 * docker `--env-file`); values with other characters than URL and path ones are single-quoted.
 */
export function dotenv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${/^[\w./:,@+=-]*$/.test(value) ? value : `'${value}'`}\n`)
    .join("");
}
