import type { RouteContext } from "../../host/types.ts";
import { aadError, tokenResponse } from "../errors.ts";
import type { AppRegistration, DirectoryUser } from "../model.ts";
import { GRAPH_AUDIENCE } from "../tokens.ts";
import type { DirectoryTwin } from "../twin.ts";

/** OpenID Connect scopes: they shape the answer (id_token, refresh token), not the access token. */
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** A grant that issues a delegated token, after the token endpoint checked the tenant, the app and its secret. */
type DelegatedGrant = (
  ctx: RouteContext,
  twin: DirectoryTwin,
  app: AppRegistration,
  form: URLSearchParams,
) => Promise<Response>;

/** ROPC (`grant_type=password`): a delegated token for a directory user. */
export const passwordGrant: DelegatedGrant = async (ctx, twin, app, form) => {
  const username = form.get("username");
  const password = form.get("password");
  if (!username) return missing(ctx, "username");
  if (!password) return missing(ctx, "password");
  const user = twin.store.user(username);
  if (!user || user.password !== password) {
    return aadError(
      ctx,
      400,
      "invalid_grant",
      50126,
      "Error validating credentials due to invalid username or password.",
    );
  }
  if (!user.accountEnabled) {
    return aadError(ctx, 400, "invalid_grant", 50057, "The user account is disabled.");
  }
  return delegatedAnswer(ctx, twin, app, user, form, "password");
};

/**
 * `grant_type=refresh_token` (MSAL's silent renewal): new access token, id_token and a fresh
 * refresh token for the user the presented one is bound to. Without `scope`, the scopes the chain
 * started with (the platform requires `scope`; MSAL always sends it).
 */
export const refreshGrant: DelegatedGrant = async (ctx, twin, app, form) => {
  const token = form.get("refresh_token");
  if (!token) return missing(ctx, "refresh_token");
  const redeemed = twin.refreshTokens.redeem(token, app);
  if (!redeemed.ok) return aadError(ctx, 400, "invalid_grant", redeemed.code, redeemed.description);
  if (!form.get("scope")?.trim()) form.set("scope", [...redeemed.scopes, "offline_access"].join(" "));
  return delegatedAnswer(ctx, twin, app, redeemed.user, form, "refresh_token");
};

/**
 * The answer of a delegated grant: `scp` = requested Graph scopes ⊆ the app's consented scopes
 * (`.default` = all), an id_token with `openid`, a refresh token with `offline_access`, and MSAL's
 * `client_info` on request.
 */
async function delegatedAnswer(
  ctx: RouteContext,
  { issuer, refreshTokens, store }: DirectoryTwin,
  app: AppRegistration,
  user: DirectoryUser,
  form: URLSearchParams,
  grant: string,
): Promise<Response> {
  const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  const graphScopes: string[] = [];
  for (const s of requested) {
    if (OIDC_SCOPES.has(s)) continue;
    const short = s
      .replace(/^https:\/\/graph\.microsoft\.com\//, "")
      .replace(/^00000003-0000-0000-c000-000000000000\//, "");
    if (short === ".default") graphScopes.push(...app.scopes);
    else if (app.scopes.includes(short)) graphScopes.push(short);
    else {
      return aadError(
        ctx,
        400,
        "invalid_grant",
        65001,
        `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
      );
    }
  }
  const granted = [...new Set(graphScopes.length > 0 ? graphScopes : app.scopes)];
  const accessToken = await issuer.issueUserToken(app, user, granted);
  ctx.note(`${grant} token for ${user.userPrincipalName} via app ${app.appId} scp=${granted.join(" ")}`);
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: granted.map((s) => `${GRAPH_AUDIENCE}/${s}`).join(" "),
    expires_in: issuer.lifetimeSeconds,
    ext_expires_in: issuer.lifetimeSeconds,
    access_token: accessToken,
  };
  // MSAL asks for openid/profile/offline_access and builds its account from id_token + client_info.
  if (requested.includes("openid")) body.id_token = await issuer.issueIdToken(app, user);
  if (requested.includes("offline_access")) body.refresh_token = refreshTokens.issue(app, user, granted);
  if (form.get("client_info") === "1") {
    body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: store.tenantId })).toString(
      "base64url",
    );
  }
  return tokenResponse(ctx, body);
}

function missing(ctx: RouteContext, parameter: string): Response {
  return aadError(
    ctx,
    400,
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${parameter}'.`,
  );
}
