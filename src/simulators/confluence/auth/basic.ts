import type { ConfluenceStore } from "../store.ts";

/**
 * A scoped API token (2025+): Basic credentials that carry OAuth-style scopes and work only
 * through the API gateway ([A-BASIC], docs/fidelity.md).
 */
export interface ScopedApiToken {
  /** Owner: accountId or email. */
  user: string;
  token: string;
  scopes: string[];
}

export type BasicResult =
  | { kind: "user"; accountId: string }
  /** A scoped API token: valid only through the gateway, checked against route scopes. */
  | { kind: "scoped"; accountId: string; scopes: string[] }
  /** Header present but not `Basic base64(email:token)`: Tomcat rejects it before Confluence. */
  | { kind: "malformed" }
  /** Well-formed but wrong, revoked, or for a deactivated account; `why` is for the journal only. */
  | { kind: "rejected"; why: string };

/** Basic auth: `Authorization: Basic base64("email:api_token")`. */
export function checkBasic(
  store: ConfluenceStore,
  header: string,
  scopedTokens: readonly ScopedApiToken[] = [],
): BasicResult {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { kind: "malformed" };
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { kind: "malformed" };
  const user = store.userByEmail(decoded.slice(0, colon));
  const token = decoded.slice(colon + 1);
  if (!user) return { kind: "rejected", why: "no user with this email" };
  if (!user.active) return { kind: "rejected", why: `${user.displayName} is deactivated` };
  if (user.apiTokens.includes(token)) return { kind: "user", accountId: user.accountId };
  const scoped = scopedTokens.find(
    (t) =>
      t.token === token && (t.user === user.accountId || t.user.toLowerCase() === user.email.toLowerCase()),
  );
  if (scoped) return { kind: "scoped", accountId: user.accountId, scopes: [...scoped.scopes] };
  return { kind: "rejected", why: `wrong API token for ${user.displayName}` };
}
