/**
 * Route handlers for the two v1 CQL endpoints, ready for the v1 route table:
 * `v1Routes()` can simply include `...cqlRoutes()`. Handlers validate params, call searchByCql
 * and shape the answer; a bad query is the v1 400 with the precise reason in the journal note.
 */
import { json } from "../../host/types.ts";
import type { ConfluenceContext, ConfluenceRoute } from "../context.ts";
import { parsePaging } from "../routes/v1/common.ts";
import { searchByCql } from "./search.ts";
import { contentArrayResponse, cqlBadRequest, excerptMode, searchPageResponse } from "./shape.ts";

export function cqlRoutes(): ConfluenceRoute[] {
  return [
    { method: "GET", path: "/rest/api/search", operationId: "searchByCQL", api: "v1", handler: searchByCQL },
    {
      method: "GET",
      path: "/rest/api/content/search",
      operationId: "searchContentByCQL",
      api: "v1",
      handler: searchContentByCQL,
    },
  ];
}

const bool = (v: string | null) => v === "true";

/** Missing `cql` is a 400 with the same envelope (guess: the wording is not measured). */
function run(ctx: ConfluenceContext, endpoint: "search" | "content-search") {
  // start/limit bind as ints like every v1 param (a non-integer is Spring's 400); start is then ignored.
  const paging = parsePaging(ctx.query, { defaultLimit: 25, maxLimit: Number.POSITIVE_INFINITY });
  if (paging instanceof Response) return { response: paging };
  const cql = ctx.query.get("cql");
  if (cql === null || cql.trim() === "") {
    ctx.note("cql: the cql parameter is missing or empty");
    return { response: cqlBadRequest(cql ?? "") };
  }
  const outcome = searchByCql(ctx.access, {
    cql,
    cqlcontext: ctx.query.get("cqlcontext") ?? undefined,
    cursor: ctx.query.get("cursor") ?? undefined,
    limit: paging.limit,
    expand: ctx.query.getAll("expand").flatMap((e) => e.split(",")),
    includeArchivedSpaces: bool(ctx.query.get("includeArchivedSpaces")),
    excludeCurrentSpaces: bool(ctx.query.get("excludeCurrentSpaces")),
    endpoint,
  });
  if (!outcome.ok) {
    ctx.note(`cql: ${outcome.error.describe()}`);
    return { response: json(outcome.body, 400) };
  }
  ctx.note(`cql plan: ${outcome.result.plan}`);
  return { result: outcome.result };
}

function shapeContext(ctx: ConfluenceContext) {
  return {
    store: ctx.store,
    base: ctx.base,
    query: ctx.query,
    canView: (c: Parameters<typeof ctx.access.canView>[0]) => ctx.access.canView(c),
  };
}

/** GET /wiki/rest/api/search */
export function searchByCQL(ctx: ConfluenceContext): Response {
  const { response, result } = run(ctx, "search");
  if (!result) return response;
  return json(
    searchPageResponse(shapeContext(ctx), result, { excerpt: excerptMode(ctx.query.get("excerpt")) }),
  );
}

/** GET /wiki/rest/api/content/search */
export function searchContentByCQL(ctx: ConfluenceContext): Response {
  const { response, result } = run(ctx, "content-search");
  if (!result) return response;
  return json(contentArrayResponse(shapeContext(ctx), result));
}
