import type { Service, TwinPlugin } from "../host/types.ts";
import { installDirectoryAdmin } from "./admin.ts";
import { aadError } from "./errors.ts";
import { discoveryRoutes } from "./routes/discovery.ts";
import { tokenRoute } from "./routes/token.ts";
import type { DirectoryTwin } from "./twin.ts";

/** Largest body the token endpoint reads (ours: token requests are small forms). */
export const MAX_LOGIN_BODY_BYTES = 1024 * 1024;

/**
 * The Microsoft identity platform (login.microsoftonline.com) as far as a connector needs it:
 * the v2.0 token endpoint (client_credentials, password/ROPC, refresh_token), OpenID configuration, JWKS and
 * instance discovery, so MSAL and @azure/identity's ClientSecretCredential work against the twin.
 */
export function createLoginService(twin: DirectoryTwin): Service {
  const directory = twin.store;
  return {
    name: "login",
    hosts: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com"],
    prefixes: ["/common/", "/organizations/", `/${directory.tenantId}/`, `/${directory.domain}/`],
    routes: [tokenRoute(twin), ...discoveryRoutes(twin)],
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
    // Token requests are small forms; the identity platform's limit is not published (guess).
    maxBodyBytes: MAX_LOGIN_BODY_BYTES,
    tooLarge: (ctx, limit) =>
      aadError(
        ctx,
        413,
        "invalid_request",
        90023,
        `The authentication service request isn't valid: the body is larger than ${limit} bytes.`,
      ),
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

/** The directory twin as the host mounts it: the login service, `/_sim/directory…`, state and reset. */
export function directoryPlugin(twin: DirectoryTwin): TwinPlugin {
  return {
    services: [createLoginService(twin)],
    installAdmin: (host) => installDirectoryAdmin(host, twin),
    snapshot: () => twin.store.snapshot(),
    reset: () => twin.store.reset(),
  };
}
