import type { Route, RouteContext, Service } from "../host/types.ts";
import { checkBasic } from "./auth/basic.ts";
import type { Caller, ConfluenceContext, ConfluenceRoute } from "./context.ts";
import {
  methodNotAllowed,
  tomcatUnauthorized,
  v1CallerRejected,
  v1Error,
  v1SearchRejected,
  v1UnknownRoute,
  v2Error,
  v2NotFound,
} from "./errors.ts";
import { AccessEvaluator } from "./permissions.ts";
import { v1Routes } from "./routes/v1/index.ts";
import { v2Routes } from "./routes/v2/index.ts";
import { stableUuid } from "./seed.ts";
import type { ConfluenceTwin } from "./twin.ts";

const GATEWAY = "/ex/confluence/:cloudId";

/** Headers real Confluence sends on every answer (confluence-api.md §7). */
function edgeHeaders(seq: number): Record<string, string> {
  const id = stableUuid("atl-request", String(seq));
  return {
    "atl-request-id": id,
    "atl-traceid": id.replaceAll("-", "").slice(0, 16),
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
    methodNotAllowed: (ctx) => withEdge(methodNotAllowed(ctx.request.method)),
    internalError: (ctx) =>
      withEdge(
        isV1(ctx.url.pathname)
          ? v1Error(500, "An unexpected error occurred")
          : v2Error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error"),
      ),
    faultResponse: (status, retryAfter, ctx) =>
      withEdge(rateLimitOrFault(status, retryAfter, isV1(ctx.url.pathname), ctx)),
    snapshot: () => ({
      site: twin.store.site,
      users: twin.store.users.size,
      groups: twin.store.groups.size,
      spaces: twin.store.spaces.size,
      content: twin.store.content.size,
      revision: twin.store.revision,
    }),
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
  const caller = authenticate(twin, ctx.request, gateway, route);
  if (caller instanceof Response) return caller;
  const access = new AccessEvaluator(store, caller.subject);
  if (!access.siteAccess()) return rejected(route);
  const full: ConfluenceContext = { ...ctx, twin, store, caller, access, base: `${store.site.baseUrl}/wiki` };
  return route.handler(full);
}

function authenticate(
  twin: ConfluenceTwin,
  request: Request,
  gateway: boolean,
  route: ConfluenceRoute,
): Caller | Response {
  const header = request.headers.get("authorization");
  if (!header) return { mode: "anonymous", subject: { type: "anonymous" }, gateway };
  if (/^Basic\s/i.test(header)) {
    const result = checkBasic(twin.store, header);
    if (result.kind === "malformed") return tomcatUnauthorized();
    if (result.kind === "rejected") return rejected(route);
    return { mode: "basic", subject: { type: "user", accountId: result.accountId }, gateway };
  }
  return rejected(route);
}

/** Bad or absent credentials: v1 403 (phrased differently on /search), v2 a bare 404. */
function rejected(route: ConfluenceRoute): Response {
  if (route.api === "v2") return v2NotFound();
  return route.path.startsWith("/rest/api/search") ? v1SearchRejected() : v1CallerRejected();
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
  }
  const title = status === 429 ? "Rate limit exceeded" : "Service error";
  if (v1) return v1Error(status, title, { headers });
  const code =
    status === 429 ? "TOO_MANY_REQUESTS" : status === 500 ? "INTERNAL_SERVER_ERROR" : "SERVICE_UNAVAILABLE";
  return v2Error(status, code, title, null, headers);
}
