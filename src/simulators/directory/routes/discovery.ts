import { json, type Route, type RouteContext } from "../../host/types.ts";
import { tenantNotFound } from "../errors.ts";
import type { DirectoryTwin } from "../twin.ts";

/**
 * What MSAL and @azure/identity read before asking for a token: the OpenID configuration (v2.0
 * and v1 paths), the signing keys (JWKS) and instance discovery.
 */
export function discoveryRoutes(twin: DirectoryTwin): Route[] {
  const { store: directory, issuer } = twin;
  const origin = (ctx: RouteContext) => ctx.url.origin;
  const openidConfiguration = (ctx: RouteContext) => {
    const t = ctx.params.tenant;
    if (!twin.servesTenant(t)) return tenantNotFound(ctx, t, "invalid_tenant");
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

  return [
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
  ];
}
