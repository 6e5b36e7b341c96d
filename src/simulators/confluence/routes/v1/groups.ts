import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import type { Group, User } from "../../model.ts";
import { renderGroup, renderUser } from "../../render/v1-people.ts";
import { offsetPage, ok, parsePaging } from "./common.ts";

type S = components["schemas"];

/** Groups ([A-V1]): alphabetical, default and cap limit 200; members by group id. */
export function groupRoutes(): ConfluenceRoute[] {
  return [
    { method: "GET", path: "/rest/api/group", operationId: "getGroups", api: "v1", handler: getGroups },
    {
      method: "GET",
      path: "/rest/api/group/by-id",
      operationId: "getGroupByGroupId",
      api: "v1",
      handler: getGroupByGroupId,
    },
    {
      method: "GET",
      path: "/rest/api/group/:groupId/membersByGroupId",
      operationId: "getGroupMembersByGroupId",
      api: "v1",
      handler: getGroupMembersByGroupId,
    },
  ];
}

const GROUP_PAGING = { defaultLimit: 200, maxLimit: 200 };

export const byName = (a: Group, b: Group) => a.name.localeCompare(b.name, "en", { sensitivity: "base" });

function getGroups(ctx: ConfluenceContext): Response {
  const paging = parsePaging(ctx.query, GROUP_PAGING);
  if (paging instanceof Response) return paging;
  const groups = [...ctx.store.groups.values()].sort(byName).map((g) => renderGroup(ctx.base, g));
  const body: S["GroupArrayWithLinks"] = offsetPage(ctx, groups, paging);
  return ok(body);
}

function getGroupByGroupId(ctx: ConfluenceContext): Response {
  const id = ctx.query.get("id");
  if (!id) return v1Error(400, "id is required");
  const group = ctx.store.groups.get(id);
  if (!group) return v1Error(404, `Group with id ${id} not found`);
  const body: S["Group"] = renderGroup(ctx.base, group);
  return ok(body);
}

function getGroupMembersByGroupId(ctx: ConfluenceContext): Response {
  const group = ctx.store.groups.get(ctx.params.groupId);
  if (!group) return v1Error(404, `Group with id ${ctx.params.groupId} not found`);
  const paging = parsePaging(ctx.query, GROUP_PAGING);
  if (paging instanceof Response) return paging;
  const members = [...group.members]
    .flatMap((id) => ctx.store.users.get(id) ?? [])
    .sort(byDisplayName)
    .map((u) => renderUser(ctx.base, u));
  const page = offsetPage(ctx, members, paging);
  const body: S["UserArray"] & { totalSize?: number } = page;
  if (ctx.query.get("shouldReturnTotalSize") === "true") body.totalSize = members.length;
  return ok(body);
}

const byDisplayName = (a: User, b: User) =>
  a.displayName.localeCompare(b.displayName, "en", { sensitivity: "base" }) ||
  a.accountId.localeCompare(b.accountId);
