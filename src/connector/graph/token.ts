import { ConnectorError } from "../errors.ts";
import type { HttpClient, Runtime } from "../runtime.ts";

/** App-only token for Graph (client credentials), cached until five minutes before expiry. */
export function clientCredentials(
  http: HttpClient,
  runtime: Runtime,
  options: {
    loginUrl: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    graphBaseUrl: string;
  },
): { token(): Promise<string>; invalidate(): void; tenantGuid(): Promise<string | undefined> } {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async () => {
    const body = new URLSearchParams({
      client_id: options.clientId,
      client_secret: options.clientSecret,
      scope: `${options.graphBaseUrl.replace(/\/+$/, "")}/.default`,
      grant_type: "client_credentials",
    });
    const answer = await http.json<{ access_token?: string; expires_in?: number }>(
      `${options.loginUrl.replace(/\/+$/, "")}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
      },
    );
    if (!answer?.access_token) throw new ConnectorError(1002, "the token endpoint returned no access_token");
    cached = { token: answer.access_token, expiresAt: runtime.now() + (answer.expires_in ?? 3599) * 1000 };
    return cached.token;
  };
  return {
    async token() {
      if (cached && runtime.now() < cached.expiresAt - 300_000) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    /** The tenant id (`tid`) the token was issued for: the documented value of `everyone` ACEs. */
    async tenantGuid() {
      const token = await this.token();
      try {
        const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
          tid?: unknown;
        };
        return typeof payload.tid === "string" ? payload.tid : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
