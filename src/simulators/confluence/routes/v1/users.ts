import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import { renderAnonymous, renderBulkUser, renderGroup, renderUser } from "../../render/v1-people.ts";
import { listParam, offsetPage, ok, parsePaging } from "./common.ts";
import { byName } from "./groups.ts";

type S = components["schemas"];

/** Users ([A-V1], docs/fidelity.md). Emails hidden by profile visibility come back as `""`. */
export function userRoutes(): ConfluenceRoute[] {
  return [
    { method: "GET", path: "/rest/api/user", operationId: "getUser", api: "v1", handler: getUser },
    {
      method: "GET",
      path: "/rest/api/user/bulk",
      operationId: "getBulkUserLookup",
      api: "v1",
      handler: getBulkUserLookup,
    },
    {
      method: "GET",
      path: "/rest/api/user/current",
      operationId: "getCurrentUser",
      api: "v1",
      handler: getCurrentUser,
    },
    {
      method: "GET",
      path: "/rest/api/user/anonymous",
      operationId: "getAnonymousUser",
      api: "v1",
      handler: (ctx) => ok(renderAnonymous(ctx.base)),
    },
    {
      method: "GET",
      path: "/rest/api/user/memberof",
      operationId: "getGroupMembershipsForUser",
      api: "v1",
      handler: getGroupMembershipsForUser,
    },
  ];
}

function getUser(ctx: ConfluenceContext): Response {
  const accountId = ctx.query.get("accountId");
  if (!accountId) return v1Error(400, "accountId, username or key must be specified");
  const user = ctx.store.users.get(accountId);
  if (!user) return v1Error(404, `No user found with accountId : ${accountId}`);
  const body: S["User"] = renderUser(ctx.base, user);
  return ok(body);
}

function getBulkUserLookup(ctx: ConfluenceContext): Response {
  const ids = listParam(ctx.query, "accountId");
  if (ids.length === 0) return v1Error(400, "accountId must be specified");
  const paging = parsePaging(ctx.query, { defaultLimit: 200, maxLimit: 200 });
  if (paging instanceof Response) return paging;
  const users = ids.flatMap((id) => ctx.store.users.get(id) ?? []).map((u) => renderBulkUser(ctx.base, u));
  const body: S["BulkUserLookupArray"] = offsetPage(ctx, users, paging);
  return ok(body);
}

function getCurrentUser(ctx: ConfluenceContext): Response {
  const { subject } = ctx.caller;
  if (subject.type !== "user") return ok(renderAnonymous(ctx.base));
  const user = ctx.store.users.get(subject.accountId);
  if (!user) return ok(renderAnonymous(ctx.base));
  const body: S["User"] = renderUser(ctx.base, user);
  return ok(body);
}

function getGroupMembershipsForUser(ctx: ConfluenceContext): Response {
  const accountId = ctx.query.get("accountId");
  if (!accountId) return v1Error(400, "accountId, username or key must be specified");
  if (!ctx.store.users.has(accountId)) return v1Error(404, `No user found with accountId : ${accountId}`);
  const paging = parsePaging(ctx.query, { defaultLimit: 200, maxLimit: 200 });
  if (paging instanceof Response) return paging;
  const groups = ctx.store
    .groupsOf(accountId)
    .sort(byName)
    .map((g) => renderGroup(ctx.base, g));
  const body: S["GroupArrayWithLinks"] = offsetPage(ctx, groups, paging);
  return ok(body);
}
