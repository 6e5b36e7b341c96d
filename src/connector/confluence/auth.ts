import type { ConnectorConfig } from "../config.ts";
import { ConnectorError } from "../errors.ts";
import type { HttpClient, Runtime } from "../runtime.ts";

/**
 * How the connector authenticates to Confluence and where it sends API calls.
 * Basic: the site origin. OAuth 2.0 (3LO): the API gateway `…/ex/confluence/{cloudId}` with a
 * bearer token from a rotating refresh token.
 */
export interface ConfluenceAuth {
  /** Origin (or gateway prefix) that `/wiki/api/v2/…` and `/wiki/rest/api/…` are appended to. */
  apiBase(): Promise<string>;
  /** The Authorization header value for the next call. */
  header(): Promise<string>;
  /** Called after a 401 that is not a scope mismatch: refresh once. Returns false if it cannot. */
  invalidate(): Promise<boolean>;
}

export interface RefreshTokenStore {
  /** The refresh token to use now (a rotated one from an earlier run, or the configured one). */
  current(configured: string): Promise<string>;
  /** Persist the rotated refresh token before using the new access token. */
  rotated(configured: string, next: string): Promise<void>;
}

export function basicAuth(siteUrl: string, email: string, apiToken: string): ConfluenceAuth {
  const value = `Basic ${Buffer.from(`${email}:${apiToken}`, "utf8").toString("base64")}`;
  return {
    apiBase: async () => siteUrl,
    header: async () => value,
    invalidate: async () => false,
  };
}

type OAuthConfig = Extract<ConnectorConfig["confluence"]["auth"], { type: "oauth" }>;

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
}

export function oauthAuth(
  siteUrl: string,
  config: OAuthConfig,
  http: HttpClient,
  runtime: Runtime,
  tokens: RefreshTokenStore,
): ConfluenceAuth {
  let access: { token: string; expiresAt: number } | undefined;
  let cloudId = config.cloudId;
  let refreshing: Promise<void> | undefined;

  const refresh = async () => {
    const refreshToken = await tokens.current(config.refreshToken);
    const answer = await http.json<TokenAnswer>(`${trim(config.authUrl)}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        client_id: config.clientId,
        client_secret: config.clientSecret,
        refresh_token: refreshToken,
      }),
    });
    if (!answer?.access_token)
      throw new ConnectorError(1002, "Atlassian token endpoint returned no access_token");
    // Rotation: the old refresh token is now invalid; persist the new one first.
    if (answer.refresh_token) await tokens.rotated(config.refreshToken, answer.refresh_token);
    access = { token: answer.access_token, expiresAt: runtime.now() + answer.expires_in * 1000 };
  };
  const ensure = async () => {
    if (access && runtime.now() < access.expiresAt - 60_000) return;
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    await refreshing;
  };

  return {
    async apiBase() {
      if (!cloudId) {
        await ensure();
        const resources = await http.json<Array<{ id: string; url: string }>>(
          `${trim(config.apiUrl)}/oauth/token/accessible-resources`,
          { headers: { authorization: `Bearer ${access!.token}`, accept: "application/json" } },
        );
        const want = siteUrl.toLowerCase();
        const match = resources.find((r) => trim(r.url).toLowerCase() === want);
        if (!match)
          throw new ConnectorError(
            1002,
            `the OAuth grant does not cover ${siteUrl} (accessible: ${resources.map((r) => r.url).join(", ") || "none"})`,
          );
        cloudId = match.id;
      }
      return `${trim(config.apiUrl)}/ex/confluence/${cloudId}`;
    },
    async header() {
      await ensure();
      return `Bearer ${access!.token}`;
    },
    async invalidate() {
      access = undefined;
      return true;
    },
  };
}

function trim(url: string): string {
  return url.replace(/\/+$/, "");
}
