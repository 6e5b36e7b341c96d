import type { Route, RouteContext } from "../../host/types.ts";
import { aadError, invalidSecret, tenantNotFound, tokenResponse } from "../errors.ts";
import { GRAPH_APP_ID, GRAPH_AUDIENCE } from "../tokens.ts";
import type { DirectoryTwin } from "../twin.ts";
import { passwordGrant, refreshGrant } from "./delegated-grants.ts";

/** `POST /{tenant}/oauth2/v2.0/token`: client credentials (client secrets), ROPC and refresh tokens. */
export function tokenRoute(twin: DirectoryTwin): Route {
  return {
    method: "POST",
    path: "/:tenant/oauth2/v2.0/token",
    operationId: "token",
    handler: (ctx) => token(ctx, twin),
  };
}

async function token(ctx: RouteContext, twin: DirectoryTwin): Promise<Response> {
  const { store: directory, issuer } = twin;
  const tenant = ctx.params.tenant;
  const form = new URLSearchParams(await ctx.text());
  const grant = form.get("grant_type");
  if (!twin.servesTenant(tenant)) return tenantNotFound(ctx, tenant, "invalid_request");
  if (!grant)
    return aadError(
      ctx,
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (grant !== "client_credentials" && grant !== "password" && grant !== "refresh_token") {
    return aadError(
      ctx,
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
    );
  }
  // Client id and secret from the body (client_secret_post) or basic auth (client_secret_basic).
  let clientId = form.get("client_id");
  let secret = form.get("client_secret");
  const basic = ctx.header("authorization");
  if (basic?.toLowerCase().startsWith("basic ")) {
    const credentials = basicCredentials(basic.slice(6));
    if (!credentials) {
      return aadError(
        ctx,
        400,
        "invalid_request",
        90023,
        "The authentication service request isn't valid: the Basic client credentials are not form-urlencoded.",
      );
    }
    clientId ??= credentials.id;
    secret ??= credentials.secret;
  }
  if (!clientId)
    return aadError(
      ctx,
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const app = directory.app(clientId);
  if (!app) {
    return aadError(
      ctx,
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${directory.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = form.get("scope") ?? "";
  if (grant === "client_credentials") {
    if (form.get("client_assertion")) {
      return aadError(
        ctx,
        401,
        "invalid_client",
        700027,
        "Client assertion failed signature validation. (The twin accepts client secrets only.)",
      );
    }
    if (!secret)
      return aadError(
        ctx,
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    if (secret !== app.secret) return invalidSecret(ctx, app);
    if (!scope.trim())
      return aadError(
        ctx,
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'scope'.",
      );
    const scopes = scope.split(/\s+/).filter(Boolean);
    if (scopes.length !== 1 || !scopes[0].endsWith("/.default")) {
      return aadError(
        ctx,
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const resource = scopes[0].slice(0, -"/.default".length).replace(/\/$/, "");
    // Served standalone, the twin's own origin stands in for graph.microsoft.com (a connector
    // configured with the twin's base URL asks for `{that origin}/.default`).
    if (resource !== GRAPH_AUDIENCE && resource !== GRAPH_APP_ID && resource !== ctx.url.origin) {
      return aadError(
        ctx,
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${directory.domain}. (The twin issues Graph tokens only.)`,
      );
    }
    const accessToken = await issuer.issueAppToken(app);
    ctx.note(`client_credentials token for app ${app.appId} roles=[${app.roles.join(",")}]`);
    return tokenResponse(ctx, {
      token_type: "Bearer",
      expires_in: issuer.lifetimeSeconds,
      ext_expires_in: issuer.lifetimeSeconds,
      access_token: accessToken,
    });
  }

  // Delegated grants: a public client sends no secret; a confidential one must send the right one.
  if (secret !== null && secret !== app.secret) return invalidSecret(ctx, app);
  return (grant === "password" ? passwordGrant : refreshGrant)(ctx, twin, app, form);
}

/**
 * `client_secret_basic`: base64 of form-urlencoded id and secret joined by ":" (RFC 6749 §2.3.1);
 * undefined when either part is not valid percent-encoding.
 */
function basicCredentials(encoded: string): { id: string; secret: string } | undefined {
  const [id, secret] = Buffer.from(encoded, "base64").toString().split(":");
  try {
    return { id: decodeURIComponent(id ?? ""), secret: decodeURIComponent(secret ?? "") };
  } catch {
    return undefined;
  }
}
