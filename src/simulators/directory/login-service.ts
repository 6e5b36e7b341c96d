import { sequenceUuid } from "../host/ids.ts";
import { json, type RouteContext, type Service } from "../host/types.ts";
import type { AppRegistration, Directory } from "./model.ts";
import { GRAPH_APP_ID, GRAPH_AUDIENCE, type TokenIssuer } from "./tokens.ts";

/** Salts for the identity platform's trace and correlation ids (journal seq based: the same every run). */
const LOGIN_REQUEST_ID = 0x10c1;
const LOGIN_CORRELATION_ID = 0x10c2;

/**
 * The Microsoft identity platform (login.microsoftonline.com) as far as a connector needs it:
 * the v2.0 token endpoint (client_credentials, password/ROPC), OpenID configuration, JWKS and
 * instance discovery, so MSAL and @azure/identity's ClientSecretCredential work against the twin.
 */
export function createLoginService(directory: Directory, issuer: TokenIssuer): Service {
  const origin = (ctx: RouteContext) => ctx.url.origin;
  const tenantOk = (tenant: string) =>
    [directory.tenantId, directory.domain.toLowerCase(), "common", "organizations"].includes(
      tenant.toLowerCase(),
    );

  const openidConfiguration = (ctx: RouteContext) => {
    const t = ctx.params.tenant;
    if (!tenantOk(t))
      return aadError(
        ctx,
        400,
        "invalid_tenant",
        90002,
        `Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    const base = `${origin(ctx)}/${t}`;
    const tid = ["common", "organizations"].includes(t.toLowerCase()) ? "{tenantid}" : directory.tenantId;
    return json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${origin(ctx)}/${t}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `https://login.microsoftonline.com/${tid}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "acr",
        "nonce",
        "preferred_username",
        "name",
        "tid",
        "ver",
        "at_hash",
        "c_hash",
        "email",
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    });
  };

  return {
    name: "login",
    hosts: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com"],
    prefixes: ["/common/", "/organizations/", `/${directory.tenantId}/`, `/${directory.domain}/`],
    routes: [
      {
        method: "POST",
        path: "/:tenant/oauth2/v2.0/token",
        operationId: "token",
        handler: (ctx) => token(ctx, directory, issuer, tenantOk),
      },
      {
        method: "GET",
        path: "/:tenant/v2.0/.well-known/openid-configuration",
        operationId: "openidConfiguration",
        handler: openidConfiguration,
      },
      {
        method: "GET",
        path: "/:tenant/.well-known/openid-configuration",
        operationId: "openidConfigurationV1",
        handler: openidConfiguration,
      },
      {
        method: "GET",
        path: "/:tenant/discovery/v2.0/keys",
        operationId: "keys",
        handler: async () => json(await issuer.jwks()),
      },
      {
        method: "GET",
        path: "/common/discovery/instance",
        operationId: "instanceDiscovery",
        handler: (ctx) => {
          const host = ctx.url.host;
          return json({
            tenant_discovery_endpoint: `${origin(ctx)}/${directory.tenantId}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [
              {
                preferred_network: host,
                preferred_cache: host,
                aliases: [
                  ...new Set([
                    host,
                    "login.microsoftonline.com",
                    "login.windows.net",
                    "login.microsoft.com",
                    "sts.windows.net",
                  ]),
                ],
              },
            ],
          });
        },
      },
    ],
    notFound: (ctx) =>
      aadError(
        ctx,
        404,
        "invalid_request",
        900561,
        "The endpoint only accepts POST, OPTIONS requests. Or the endpoint does not exist.",
      ),
    methodNotAllowed: (ctx) =>
      aadError(ctx, 405, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests."),
    internalError: (ctx) =>
      aadError(ctx, 500, "server_error", 90033, "A transient error has occurred. Please try again."),
    faultResponse: (status, retryAfter, ctx) => {
      const r = aadError(
        ctx,
        status,
        status === 429 ? "temporarily_unavailable" : "server_error",
        90033,
        "A transient error has occurred. Please try again.",
      );
      if (retryAfter !== undefined) r.headers.set("retry-after", String(retryAfter));
      return r;
    },
  };
}

async function token(
  ctx: RouteContext,
  directory: Directory,
  issuer: TokenIssuer,
  tenantOk: (t: string) => boolean,
): Promise<Response> {
  const tenant = ctx.params.tenant;
  const form = await readForm(ctx.request);
  const grant = form.get("grant_type");
  if (!tenantOk(tenant)) {
    return aadError(
      ctx,
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (!grant)
    return aadError(
      ctx,
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (grant !== "client_credentials" && grant !== "password") {
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
  const basic = ctx.request.headers.get("authorization");
  if (basic?.toLowerCase().startsWith("basic ")) {
    const [id, s] = Buffer.from(basic.slice(6), "base64").toString().split(":");
    clientId ??= decodeURIComponent(id ?? "");
    secret ??= decodeURIComponent(s ?? "");
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

  // ROPC: a delegated token for a directory user.
  if (secret !== null && secret !== app.secret) return invalidSecret(ctx, app);
  const username = form.get("username");
  const password = form.get("password");
  if (!username)
    return aadError(
      ctx,
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'username'.",
    );
  if (!password)
    return aadError(
      ctx,
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'password'.",
    );
  const user = directory.user(username);
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
  const requested = scope.split(/\s+/).filter(Boolean);
  const oidc = new Set(["openid", "profile", "email", "offline_access"]);
  const graphScopes: string[] = [];
  for (const s of requested) {
    if (oidc.has(s)) continue;
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
  ctx.note(`password token for ${user.userPrincipalName} via app ${app.appId} scp=${granted.join(" ")}`);
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: granted.map((s) => `${GRAPH_AUDIENCE}/${s}`).join(" "),
    expires_in: issuer.lifetimeSeconds,
    ext_expires_in: issuer.lifetimeSeconds,
    access_token: accessToken,
  };
  // MSAL asks for openid/profile/offline_access and builds its account from id_token + client_info.
  if (requested.includes("openid")) body.id_token = await issuer.issueIdToken(app, user);
  if (requested.includes("offline_access"))
    body.refresh_token = `cgsim-rt.${Buffer.from(`${app.appId}:${user.id}`).toString("base64url")}`;
  if (form.get("client_info") === "1") {
    body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: directory.tenantId })).toString(
      "base64url",
    );
  }
  return tokenResponse(ctx, body);
}

function tokenResponse(ctx: RouteContext, body: Record<string, unknown>): Response {
  return json(body, 200, {
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    "x-ms-request-id": sequenceUuid(ctx.seq, LOGIN_REQUEST_ID),
    "client-request-id": ctx.header("client-request-id") ?? sequenceUuid(ctx.seq, LOGIN_CORRELATION_ID),
  });
}

function invalidSecret(ctx: RouteContext, app: AppRegistration): Response {
  return aadError(
    ctx,
    401,
    "invalid_client",
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
  );
}

/** The identity platform's error body: `error`, `error_description` with AADSTS code and trace lines. */
export function aadError(
  ctx: RouteContext,
  status: number,
  error: string,
  code: number,
  description: string,
): Response {
  const traceId = sequenceUuid(ctx.seq, LOGIN_REQUEST_ID);
  const correlationId = ctx.header("client-request-id") ?? sequenceUuid(ctx.seq, LOGIN_CORRELATION_ID);
  const timestamp = ctx.clock
    .iso()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    status,
    { "x-ms-request-id": traceId, "client-request-id": correlationId },
  );
}

async function readForm(request: Request): Promise<URLSearchParams> {
  try {
    return new URLSearchParams(await request.text());
  } catch {
    return new URLSearchParams();
  }
}
