import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import type { Content, ContentStatus, Space } from "../../model.ts";
import { renderContent, renderSpace } from "../../render/v1.ts";
import { contentArrayPage, listParam, ok, parsePaging, viewOf, visibleContent } from "./common.ts";

type S = components["schemas"];

/**
 * Legacy reads Atlassian deprecated under CHANGE-864 ([A-864]): `GET /content`,
 * `GET /content/{id}`, `GET /space/{key}`. Marked `deprecated`, so the service answers 410 or adds
 * the Deprecation/Link headers according to the twin's removal switch.
 */
export function legacyContentRoutes(): ConfluenceRoute[] {
  return [
    {
      method: "GET",
      path: "/rest/api/content",
      operationId: "getContent",
      api: "v1",
      deprecated: true,
      handler: getContent,
    },
    {
      method: "GET",
      path: "/rest/api/content/:id",
      operationId: "getContentById",
      api: "v1",
      deprecated: true,
      handler: getContentById,
    },
    {
      method: "GET",
      path: "/rest/api/space/:spaceKey",
      operationId: "getSpace",
      api: "v1",
      deprecated: true,
      handler: getSpace,
    },
  ];
}

const STATUSES: ContentStatus[] = ["current", "archived", "trashed", "draft"];

/** `status=current` by default; `any` means every status but deleted; lists are comma-joined or repeated. */
function statusFilter(query: URLSearchParams): Set<ContentStatus> | Response {
  const asked = listParam(query, "status");
  if (asked.length === 0) return new Set(["current"]);
  if (asked.includes("any")) return new Set(STATUSES);
  const bad = asked.filter((s) => !STATUSES.includes(s as ContentStatus) && s !== "historical");
  if (bad.length) return v1Error(400, `Invalid status : ${bad.join(",")}`);
  return new Set(asked as ContentStatus[]);
}

function getContent(ctx: ConfluenceContext): Response {
  const { store, access, query } = ctx;
  const types = listParam(query, "type");
  const type = types.length ? types.join(",") : "page";
  if (type !== "page" && type !== "blogpost") {
    return v1Error(501, `Cannot find custom content type : ${type}`);
  }
  const keys = listParam(query, "spaceKey");
  let spaces: Space[];
  if (keys.length) {
    spaces = [];
    for (const key of keys) {
      const space = store.spaceByKey(key);
      if (!space || !access.canViewSpace(space)) return v1Error(404, `No space with key : ${keys.join(",")}`);
      spaces.push(space);
    }
  } else {
    spaces = [...store.spaces.values()].filter((s) => access.canViewSpace(s));
  }
  const statuses = statusFilter(query);
  if (statuses instanceof Response) return statuses;
  const paging = parsePaging(query, { defaultLimit: 25, maxLimit: 1000, maxStart: 100_000 });
  if (paging instanceof Response) return paging;
  const title = query.get("title");
  const postingDay = query.get("postingDay");

  const matches = (c: Content) =>
    c.type === type &&
    statuses.has(c.status) &&
    (title === null || c.title === title) &&
    (postingDay === null || new Date(c.createdAt).toISOString().slice(0, 10) === postingDay) &&
    access.canView(c);
  const found = spaces
    .sort((a, b) => Number(a.id) - Number(b.id))
    .flatMap((s) => store.contentInSpace(s.id).filter(matches));
  return contentArrayPage(ctx, found, paging);
}

function getContentById(ctx: ConfluenceContext): Response {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const statuses = statusFilter(ctx.query);
  if (statuses instanceof Response) return statuses;
  if (!statuses.has(content.status)) {
    return v1Error(404, `No content found with id : ContentId{id=${content.id}}`);
  }
  const body: S["Content"] = renderContent(viewOf(ctx), content, true);
  return ok(body);
}

function getSpace(ctx: ConfluenceContext): Response {
  const space = ctx.store.spaceByKey(ctx.params.spaceKey);
  if (!space || !ctx.access.canViewSpace(space)) {
    return v1Error(404, `No space with key : ${ctx.params.spaceKey}`);
  }
  const body: S["Space"] = renderSpace(viewOf(ctx), space, true);
  return ok(body);
}
