import type { RouteContext } from "../../host/types.ts";
import type { Caller, ConfluenceRoute } from "../context.ts";
import {
  gatewayUnauthorized,
  scopeMismatch,
  tomcatUnauthorized,
  v1CallerRejected,
  v1SearchRejected,
  v2NotFound,
} from "../errors.ts";
import { AccessEvaluator, type Reason } from "../permissions.ts";
import type { ConfluenceTwin } from "../twin.ts";
import { checkBasic } from "./basic.ts";
import { requiredScopes, scopesAllow } from "./scopes.ts";

/**
 * Who may call this route: authentication (Basic, scoped API token, OAuth Bearer, anonymous), the
 * route's OAuth scopes, then site access. Returns the caller and their evaluator, or the exact
 * answer Confluence gives; the reason goes to the request journal.
 */
export function admit(
  twin: ConfluenceTwin,
  route: ConfluenceRoute,
  ctx: RouteContext,
  gateway: boolean,
): { caller: Caller; access: AccessEvaluator } | Response {
  const caller = authenticate(twin, ctx, gateway, route);
  if (caller instanceof Response) return caller;
  if (caller.scopes) {
    const needed = requiredScopes(route);
    if (!needed) ctx.note(`no scope table entry for ${route.operationId}: token let through`);
    else if (!scopesAllow(caller.scopes, needed)) {
      ctx.note(`scope: ${route.operationId} needs ${needed.map((a) => a.join(" + ")).join(" or ")}`);
      return scopeMismatch();
    }
  }
  const access = new AccessEvaluator(twin.store, caller.subject);
  const siteReasons: Reason[] = [];
  if (!access.siteAccess(siteReasons)) {
    ctx.note(`auth: ${siteReasons.map((r) => r.detail).join("; ")}`);
    return rejected(route);
  }
  return { caller, access };
}

/**
 * Basic works on the site and the gateway; OAuth Bearer tokens only through the gateway (on the
 * site domain they are treated like bad credentials). No header: anonymous.
 */
function authenticate(
  twin: ConfluenceTwin,
  ctx: RouteContext,
  gateway: boolean,
  route: ConfluenceRoute,
): Caller | Response {
  const header = ctx.header("authorization");
  if (!header) return { mode: "anonymous", subject: { type: "anonymous" }, gateway };
  if (/^Basic\s/i.test(header)) {
    const result = checkBasic(twin.store, header, twin.scopedApiTokens);
    if (result.kind === "malformed") {
      ctx.note("auth: unparseable Basic credentials");
      return tomcatUnauthorized();
    }
    if (result.kind === "rejected") {
      ctx.note(`auth: Basic rejected (${result.why})`);
      return rejected(route);
    }
    if (result.kind === "scoped") {
      if (!gateway) {
        // Measured: scoped tokens on the site domain get Tomcat's 401 page.
        ctx.note("auth: scoped API tokens only work through the gateway");
        return tomcatUnauthorized();
      }
      const subject = { type: "user" as const, accountId: result.accountId };
      return { mode: "basic", subject, scopes: new Set(result.scopes), gateway };
    }
    return { mode: "basic", subject: { type: "user", accountId: result.accountId }, gateway };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer && gateway) {
    const grant = twin.oauth.accessToken(bearer[1]);
    if (!grant) {
      ctx.note("auth: unknown or expired OAuth access token");
      return gatewayUnauthorized();
    }
    return {
      mode: "oauth",
      subject: { type: "user", accountId: grant.accountId },
      scopes: new Set(grant.scopes),
      gateway,
    };
  }
  ctx.note(
    gateway ? "auth: unsupported Authorization scheme" : "auth: Bearer tokens only work through the gateway",
  );
  return rejected(route);
}

/** Bad or absent credentials: v1 403 (phrased differently on /search), v2 a bare 404. */
export function rejected(route: ConfluenceRoute): Response {
  if (route.api === "v2") return v2NotFound();
  return route.path.startsWith("/rest/api/search") ? v1SearchRejected() : v1CallerRejected();
}
