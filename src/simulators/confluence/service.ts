import { hex8, mix32 } from "../host/ids.ts";
import type { Route, RouteContext, Service, TwinPlugin } from "../host/types.ts";
import { installConfluenceAdmin } from "./admin.ts";
import { admit } from "./auth/gateway.ts";
import { atlassianApiService, atlassianAuthService } from "./auth/oauth-service.ts";
import type { ConfluenceContext, ConfluenceRoute } from "./context.ts";
import { methodNotAllowed, v1Error, v1UnknownRoute, v2Error, v2NotFound } from "./errors.ts";
import { v1Routes } from "./routes/v1/index.ts";
import { v2Routes } from "./routes/v2/index.ts";
import type { ConfluenceTwin } from "./twin.ts";

const GATEWAY = "/ex/confluence/:cloudId";

/** The v2 specification's 413: "Returned if the request is too large in size (over 5 MB)" ([A-V2]). */
export const MAX_CONFLUENCE_BODY_BYTES = 5 * 1024 * 1024;

/** CHANGE-864 headers on deprecated v1 endpoints that still answer ([A-864] in docs/fidelity.md). */
export const DEPRECATION_HEADERS = {
  deprecation: "Wed, 1 Mar 2023 00:00:00 GMT",
  link: '<https://developer.atlassian.com/cloud/confluence/changelog/#CHANGE-864>; rel="deprecation"',
} as const;

/** Every Confluence-side service of one twin: the site + gateway, auth.atlassian.com, api.atlassian.com. */
export function confluenceServices(twin: ConfluenceTwin, routes?: ConfluenceRoute[]): Service[] {
  return [createConfluenceService(twin, routes), atlassianAuthService(twin), atlassianApiService(twin)];
}

/** The Confluence twin as the host mounts it: its services, `/_sim/confluence/…`, state and reset. */
export function confluencePlugin(twin: ConfluenceTwin, routes?: ConfluenceRoute[]): TwinPlugin {
  return {
    services: confluenceServices(twin, routes),
    installAdmin: (host) => installConfluenceAdmin(host, twin),
    snapshot: () => twin.snapshot(),
    reset: () => twin.reset(),
  };
}

/** The per-response ids real Confluence sends ([M-403]), deterministic per answer. */
function requestIds(seq: number): Record<string, string> {
  const tail = hex8(mix32(seq)) + hex8(mix32(seq ^ 0x5bd1e995)).slice(0, 4);
  return {
    "atl-request-id": `${REQUEST_ID_HEAD}${tail}`,
    "atl-traceid": `${tail}${REQUEST_ID_HEAD.slice(0, 4)}`,
  };
}

/** A fixed v4-shaped head; the 12-digit tail comes from the response counter (an integer hash, no crypto). */
const REQUEST_ID_HEAD = "7c3f9a2e-5d1b-4e8a-9f06-";

/** Headers real Confluence sends on every answer (docs/fidelity/confluence-auth-v1.md). */
function edgeHeaders(seq: number): Record<string, string> {
  return {
    ...requestIds(seq),
    server: "AtlassianEdge",
    "cache-control": "no-cache, no-store, must-revalidate",
    expires: "Thu, 01 Jan 1970 00:00:00 GMT",
    "x-content-type-options": "nosniff",
  };
}

/**
 * The Confluence Cloud service: every v2 and v1 route mounted on the site (`/wiki/…`) and on the
 * API gateway (`/ex/confluence/{cloudId}/wiki/…`), behind authentication.
 */
export function createConfluenceService(
  twin: ConfluenceTwin,
  routes: ConfluenceRoute[] = [...v2Routes(), ...v1Routes()],
): Service {
  let seq = 0;
  const withEdge = (response: Response): Response => {
    seq += 1;
    for (const [k, v] of Object.entries(edgeHeaders(seq)))
      if (!response.headers.has(k)) response.headers.set(k, v);
    return response;
  };
  const isV1 = (path: string) => path.includes("/wiki/rest/api/");

  const mount = (route: ConfluenceRoute, gateway: boolean): Route => ({
    method: route.method,
    path: `${gateway ? GATEWAY : ""}/wiki${route.path}`,
    operationId: route.operationId,
    handler: async (ctx) => withEdge(await serveRoute(twin, route, ctx, gateway)),
  });

  return {
    name: "confluence",
    hosts: ["*.atlassian.net", "api.atlassian.com"],
    prefixes: ["/wiki/", "/ex/confluence/"],
    routes: routes.flatMap((r) => [mount(r, false), mount(r, true)]),
    notFound: (ctx) => withEdge(isV1(ctx.url.pathname) ? v1UnknownRoute(ctx.url.href) : v2NotFound()),
    methodNotAllowed: (ctx) => withEdge(methodNotAllowed(ctx.method)),
    maxBodyBytes: MAX_CONFLUENCE_BODY_BYTES,
    tooLarge: (ctx, limit) => {
      const detail = `The request is larger than ${limit} bytes.`;
      return withEdge(
        isV1(ctx.url.pathname)
          ? v1Error(413, detail)
          : v2Error(413, "REQUEST_ENTITY_TOO_LARGE", "Payload Too Large", detail),
      );
    },
    internalError: (ctx) =>
      withEdge(
        isV1(ctx.url.pathname)
          ? v1Error(500, "An unexpected error occurred")
          : v2Error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error"),
      ),
    faultResponse: (status, retryAfter, ctx) =>
      withEdge(rateLimitOrFault(status, retryAfter, isV1(ctx.url.pathname), ctx)),
    cache: {
      version: () => twin.stateVersion(),
      // A GET's answer depends on the URL, the credentials and the state version — unless burst
      // limits are on, when every call must take from its bucket.
      key: (ctx) =>
        twin.rateLimits.enabled ? undefined : `${ctx.url.href}\u0000${ctx.header("authorization") ?? ""}`,
      fresh: () => requestIds(++seq),
    },
  };
}

async function serveRoute(
  twin: ConfluenceTwin,
  route: ConfluenceRoute,
  ctx: RouteContext,
  gateway: boolean,
): Promise<Response> {
  const { store } = twin;
  if (gateway && ctx.params.cloudId !== store.site.cloudId) return new Response(null, { status: 404 });
  // Burst limits sit at the edge, ahead of authentication.
  const rate = twin.rateLimits.take(store.site.cloudId, route.operationId, route.method);
  if (rate && !rate.allowed) return rateLimited(route, twin.rateLimits.headers(rate));
  const response = await authorizeAndRun(twin, route, ctx, gateway);
  if (rate) for (const [k, v] of Object.entries(twin.rateLimits.headers(rate))) response.headers.set(k, v);
  return response;
}

async function authorizeAndRun(
  twin: ConfluenceTwin,
  route: ConfluenceRoute,
  ctx: RouteContext,
  gateway: boolean,
): Promise<Response> {
  const { store } = twin;
  const admitted = admit(twin, route, ctx, gateway);
  if (admitted instanceof Response) return admitted;
  const { caller, access } = admitted;
  if (route.deprecated && twin.v1Removed(route.operationId, caller.mode)) {
    return v1Error(410, "This deprecated endpoint has been removed.");
  }
  // The host's context (lazy request, notes, dispatch) with the twin's fields on top.
  const full: ConfluenceContext = Object.assign(Object.create(ctx) as RouteContext, {
    twin,
    store,
    caller,
    access,
    base: linkBase(ctx, store.site.baseUrl, gateway),
  });
  const response = await route.handler(full);
  if (route.deprecated) for (const [k, v] of Object.entries(DEPRECATION_HEADERS)) response.headers.set(k, v);
  return response;
}

/**
 * What `_links.base` names: the site as the client reached it — the serve origin over the plain
 * http(s) listener, the real site host (under the proxy, or msw) otherwise. Through the API
 * gateway Confluence still names the site, never api.atlassian.com.
 */
function linkBase(ctx: RouteContext, siteUrl: string, gateway: boolean): string {
  const { hostname } = ctx.url;
  const local = hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  return `${gateway && !local ? siteUrl : ctx.url.origin}/wiki`;
}

function rateLimitOrFault(
  status: number,
  retryAfter: number | undefined,
  v1: boolean,
  ctx: RouteContext,
): Response {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  if (status === 429) {
    headers["x-ratelimit-limit"] = "100";
    headers["x-ratelimit-remaining"] = "0";
    headers["x-ratelimit-reset"] = new Date(ctx.clock.now() + (retryAfter ?? 1) * 1000).toISOString();
    headers["ratelimit-reason"] = "confluence-quota-tenant-based";
    return tooManyRequests(v1, headers);
  }
  const title = "Service error";
  if (v1) return v1Error(status, title, { headers });
  const code = status === 500 ? "INTERNAL_SERVER_ERROR" : "SERVICE_UNAVAILABLE";
  return v2Error(status, code, title, null, headers);
}

function rateLimited(route: ConfluenceRoute, headers: Record<string, string>): Response {
  return tooManyRequests(route.api === "v1", headers);
}

/** The 429 body in the API's own envelope (no measured body exists; shape follows errors.ts). */
function tooManyRequests(v1: boolean, headers: Record<string, string>): Response {
  if (v1) return v1Error(429, "Rate limit exceeded", { headers });
  return v2Error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded", null, headers);
}
