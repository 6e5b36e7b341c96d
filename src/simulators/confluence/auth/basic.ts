import type { ConfluenceStore } from "../store.ts";

export type BasicResult =
  | { kind: "user"; accountId: string }
  /** Header present but not `Basic base64(email:token)`: Tomcat rejects it before Confluence. */
  | { kind: "malformed" }
  /** Well-formed but wrong, revoked, or for a deactivated account; `why` is for the journal only. */
  | { kind: "rejected"; why: string };

/** Basic auth: `Authorization: Basic base64("email:api_token")`. */
export function checkBasic(store: ConfluenceStore, header: string): BasicResult {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { kind: "malformed" };
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { kind: "malformed" };
  const user = store.userByEmail(decoded.slice(0, colon));
  const token = decoded.slice(colon + 1);
  if (!user) return { kind: "rejected", why: "no user with this email" };
  if (!user.active) return { kind: "rejected", why: `${user.displayName} is deactivated` };
  if (!user.apiTokens.includes(token))
    return { kind: "rejected", why: `wrong API token for ${user.displayName}` };
  return { kind: "user", accountId: user.accountId };
}
