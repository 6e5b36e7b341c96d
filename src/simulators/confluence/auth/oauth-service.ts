import { json, type RouteContext, type Service } from "../../host/types.ts";
import type { User } from "../model.ts";
import type { ConfluenceTwin } from "../twin.ts";
import { isFailure, type OAuthFailure, OFFLINE_ACCESS, type TokenResponse } from "./oauth.ts";
import { KNOWN_SCOPES } from "./scopes.ts";

/**
 * auth.atlassian.com (`/authorize`, `/oauth/token`) and api.atlassian.com's
 * `/oauth/token/accessible-resources`, over one twin's OAuth registry ([A-OAUTH]).
 */
/** Largest body auth.atlassian.com and api.atlassian.com read (ours: their requests are small forms). */
export const MAX_AUTH_BODY_BYTES = 1024 * 1024;

export function atlassianAuthService(twin: ConfluenceTwin): Service {
  return {
    name: "atlassian-auth",
    hosts: ["auth.atlassian.com"],
    prefixes: ["/authorize", "/oauth/token"],
    routes: [
      { method: "GET", path: "/authorize", operationId: "authorize", handler: (ctx) => authorize(twin, ctx) },
      { method: "POST", path: "/oauth/token", operationId: "token", handler: (ctx) => token(twin, ctx) },
    ],
    notFound: () => json({ code: 404, message: "Not Found" }, 404),
    // Token requests are small forms; an oversized one is refused like any bad token request (guess).
    maxBodyBytes: MAX_AUTH_BODY_BYTES,
    tooLarge: (_ctx, limit) =>
      json(
        { error: "invalid_request", error_description: `The request body is larger than ${limit} bytes` },
        413,
      ),
    internalError: () => json({ error: "server_error", error_description: "Internal Server Error" }, 500),
  };
}

export function atlassianApiService(twin: ConfluenceTwin): Service {
  return {
    name: "atlassian-api",
    hosts: ["api.atlassian.com"],
    prefixes: ["/oauth/token/accessible-resources"],
    routes: [
      {
        method: "GET",
        path: "/oauth/token/accessible-resources",
        operationId: "getAccessibleResources",
        handler: (ctx) => accessibleResources(twin, ctx),
      },
    ],
    notFound: () => json({ code: 404, message: "Not Found" }, 404),
    maxBodyBytes: MAX_AUTH_BODY_BYTES,
    tooLarge: (_ctx, limit) =>
      json({ code: 413, message: `The request body is larger than ${limit} bytes` }, 413),
    internalError: () => json({ code: 500, message: "Internal Server Error" }, 500),
  };
}

/**
 * The consent screen, decided at once. The consenting user comes from `sim_user` (accountId or
 * email; a simulator-only parameter), else the twin's `consentingUser`, else the site's first
 * active user. Errors before the redirect URI is trusted render an HTML page; later ones redirect
 * with `error`/`error_description` (RFC 6749 §4.1.2.1).
 */
function authorize(twin: ConfluenceTwin, { query }: RouteContext): Response {
  const { oauth } = twin;
  const app = oauth.apps.get(query.get("client_id") ?? "");
  if (!app) return errorPage(400, "Invalid client_id: the app is not registered.");
  const redirectUri = query.get("redirect_uri") ?? "";
  if (!app.redirectUris.includes(redirectUri) || !URL.canParse(redirectUri)) {
    return errorPage(400, "The redirect_uri does not match any callback URL registered for this app.");
  }
  const state = query.get("state");
  const back = (params: Record<string, string>) => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (state !== null) url.searchParams.set("state", state);
    return new Response(null, { status: 302, headers: { location: url.href } });
  };
  if (query.get("response_type") !== "code") {
    return back({ error: "unsupported_response_type", error_description: "response_type must be code" });
  }
  if (query.get("audience") !== "api.atlassian.com") {
    return back({ error: "invalid_request", error_description: "audience must be api.atlassian.com" });
  }
  const scopes = (query.get("scope") ?? "").split(/\s+/).filter(Boolean);
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s) || (app.scopes && !app.scopes.includes(s)));
  if (scopes.length === 0 || unknown.length > 0) {
    return back({
      error: "invalid_scope",
      error_description: scopes.length ? `Unsupported scope(s): ${unknown.join(" ")}` : "scope is required",
    });
  }
  const user = consentingUser(twin, query.get("sim_user") ?? oauth.consentingUser);
  if (!user) return errorPage(400, "No active user can give consent (set sim_user or consentingUser).");
  const code = oauth.issueCode({ clientId: app.clientId, accountId: user.accountId, scopes }, redirectUri);
  return back({ code });
}

function consentingUser(twin: ConfluenceTwin, ref: string | null | undefined): User | undefined {
  const { store } = twin;
  if (ref) {
    const user = store.users.get(ref) ?? store.userByEmail(ref);
    return user?.active ? user : undefined;
  }
  return [...store.users.values()].find((u) => u.active);
}

async function token(twin: ConfluenceTwin, ctx: RouteContext): Promise<Response> {
  const body = await readBody(ctx);
  if (!body)
    return tokenFailure({ status: 400, error: "invalid_request", error_description: "Invalid request body" });
  const field = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const grantType = field("grant_type");
  let result: TokenResponse | OAuthFailure;
  if (grantType === "authorization_code") {
    result = twin.oauth.exchangeCode({
      clientId: field("client_id"),
      clientSecret: field("client_secret"),
      code: field("code"),
      redirectUri: field("redirect_uri"),
    });
  } else if (grantType === "refresh_token") {
    result = twin.oauth.refresh({
      clientId: field("client_id"),
      clientSecret: field("client_secret"),
      refreshToken: field("refresh_token"),
    });
  } else {
    result = {
      status: 400,
      error: "unsupported_grant_type",
      error_description: `Unsupported grant type: ${grantType || "(none)"}`,
    };
  }
  return isFailure(result) ? tokenFailure(result) : json(result, 200, { "cache-control": "no-store" });
}

function tokenFailure(f: OAuthFailure): Response {
  return json({ error: f.error, error_description: f.error_description }, f.status);
}

/** Atlassian takes JSON; RFC 6749 clients send a form. Accept both. */
async function readBody(ctx: RouteContext): Promise<Record<string, unknown> | undefined> {
  const type = ctx.header("content-type") ?? "";
  const text = await ctx.text();
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function accessibleResources(twin: ConfluenceTwin, ctx: RouteContext): Response {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.header("authorization") ?? "");
  const grant = match ? twin.oauth.accessToken(match[1]) : undefined;
  if (!grant) return json({ code: 401, message: "Unauthorized" }, 401);
  const { site } = twin.store;
  return json([
    {
      id: site.cloudId,
      url: site.baseUrl,
      name: site.name,
      scopes: grant.scopes.filter((s) => s !== OFFLINE_ACCESS),
      avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/site.png",
    },
  ]);
}

function errorPage(status: number, message: string): Response {
  const safe = message.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
  return new Response(
    `<!DOCTYPE html><html><head><title>Atlassian account</title></head><body><h1>Something went wrong</h1><p>${safe}</p></body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}
