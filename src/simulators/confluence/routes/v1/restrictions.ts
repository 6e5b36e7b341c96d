import { empty } from "../../../host/types.ts";
import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import type { RestrictionOperation } from "../../model.ts";
import { renderRestriction, restrictionsHash } from "../../render/v1.ts";
import { contextPath, ok, parsePaging, viewOf, visibleContent } from "./common.ts";

type S = components["schemas"];
const OPERATIONS: RestrictionOperation[] = ["read", "update"];

/**
 * Content restrictions ([A-PERM]): only restrictions set on the content itself, never
 * inherited ones; unrestricted operations still appear with empty results.
 */
export function restrictionRoutes(): ConfluenceRoute[] {
  return [
    {
      method: "GET",
      path: "/rest/api/content/:id/restriction",
      operationId: "getRestrictions",
      api: "v1",
      handler: getRestrictions,
    },
    {
      method: "GET",
      path: "/rest/api/content/:id/restriction/byOperation",
      operationId: "getRestrictionsByOperation",
      api: "v1",
      handler: getRestrictionsByOperation,
    },
    {
      method: "GET",
      path: "/rest/api/content/:id/restriction/byOperation/:operationKey",
      operationId: "getRestrictionsForOperation",
      api: "v1",
      handler: getRestrictionsForOperation,
    },
    {
      method: "GET",
      path: "/rest/api/content/:id/restriction/byOperation/:operationKey/user",
      operationId: "getContentRestrictionStatusForUser",
      api: "v1",
      handler: getContentRestrictionStatusForUser,
    },
    {
      method: "GET",
      path: "/rest/api/content/:id/restriction/byOperation/:operationKey/byGroupId/:groupId",
      operationId: "getIndividualGroupRestrictionStatusByGroupId",
      api: "v1",
      handler: getIndividualGroupRestrictionStatusByGroupId,
    },
  ];
}

/** `start`/`limit` of the users and groups inside each restriction (default and cap 100). */
function restrictionPaging(ctx: ConfluenceContext) {
  return parsePaging(ctx.query, { defaultLimit: 100, maxLimit: 100 });
}

/** Both operations, always; `start`/`limit` page the principals inside each of them. */
function getRestrictions(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const paging = restrictionPaging(ctx);
  if (paging instanceof Response) return paging;
  const view = viewOf(ctx);
  const results = OPERATIONS.map((op) => renderRestriction(view, content, op, paging));
  const body: S["ContentRestrictionArray"] = {
    results,
    start: paging.start,
    limit: paging.limit,
    size: results.length,
    restrictionsHash: restrictionsHash(content),
    _links: { base: ctx.base, context: "/wiki", self: `${ctx.base}${contextPath(ctx)}` },
  };
  return ok(body);
}

function getRestrictionsByOperation(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const view = viewOf(ctx);
  return ok({
    read: renderRestriction(view, content, "read"),
    update: renderRestriction(view, content, "update"),
    _links: {
      base: ctx.base,
      context: "/wiki",
      self: `${ctx.base}/rest/api/content/${content.id}/restriction/byOperation`,
    },
  });
}

function operationOf(ctx: ConfluenceContext): RestrictionOperation | Response {
  const op = ctx.params.operationKey;
  if (op === "read" || op === "update") return op;
  return v1Error(400, `Operation key ${op} is not supported; use read or update`);
}

function getRestrictionsForOperation(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const op = operationOf(ctx);
  if (op instanceof Response) return op;
  const paging = restrictionPaging(ctx);
  if (paging instanceof Response) return paging;
  const body: S["ContentRestriction"] = renderRestriction(viewOf(ctx), content, op, paging);
  return ok(body);
}

/** 200 with no body when the user is directly in the restriction, 404 otherwise. */
function getContentRestrictionStatusForUser(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const op = operationOf(ctx);
  if (op instanceof Response) return op;
  const accountId = ctx.query.get("accountId");
  if (!accountId) return v1Error(400, "accountId is required");
  const listed = content.restrictions[op]?.users.includes(accountId) ?? false;
  return listed
    ? empty(200)
    : v1Error(404, `User ${accountId} is not in the ${op} restriction of ${content.id}`);
}

function getIndividualGroupRestrictionStatusByGroupId(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const op = operationOf(ctx);
  if (op instanceof Response) return op;
  const { groupId } = ctx.params;
  const listed = content.restrictions[op]?.groups.includes(groupId) ?? false;
  return listed
    ? empty(200)
    : v1Error(404, `Group ${groupId} is not in the ${op} restriction of ${content.id}`);
}
