import type { HttpMethod } from "../../../host/types.ts";
import type { ConfluenceContext, ConfluenceHandler, ConfluenceRoute } from "../../context.ts";
import { v2NotFound } from "../../errors.ts";
import type { Content, ContentStatus, ContentType, Space } from "../../model.ts";
import { longId, V2ParamError } from "../../params.ts";

/**
 * A v2 operation. Parameter errors thrown by the readers in params.ts become their 400 body and
 * `V2NotFound` thrown by lookups its 404, so handlers read as straight-line code.
 */
export function v2(
  method: HttpMethod,
  path: string,
  operationId: string,
  handler: ConfluenceHandler,
): ConfluenceRoute {
  return {
    method,
    path: `/api/v2${path}`,
    operationId,
    api: "v2",
    handler: async (ctx) => {
      try {
        return await handler(ctx);
      } catch (e) {
        if (e instanceof V2ParamError) return e.response();
        if (e instanceof V2NotFound) return v2NotFound(e.title);
        throw e;
      }
    },
  };
}

/** Thrown by lookups when the answer is a 404 (missing, wrong type, or invisible). */
export class V2NotFound extends Error {
  constructor(readonly title = "Not Found") {
    super(title);
  }
}

const NOUN: Record<ContentType, string> = { page: "page", blogpost: "blog post" };

/**
 * The content a direct read names, or a 404: `Cannot find a page with id [N]` when it does not
 * exist as that type (or not in an allowed status), a bare `Not Found` when the caller may not see
 * it, so existence never leaks.
 */
export function requireContent(
  ctx: ConfluenceContext,
  rawId: string,
  type: ContentType,
  statuses: readonly ContentStatus[] = ["current", "archived"],
): Content {
  const id = longId(rawId);
  const c = ctx.store.content.get(id);
  if (!c || c.type !== type) throw new V2NotFound(`Cannot find a ${NOUN[type]} with id [${id}]`);
  if (!ctx.access.canView(c)) throw new V2NotFound();
  if (!statuses.includes(c.status)) throw new V2NotFound(`Cannot find a ${NOUN[type]} with id [${id}]`);
  return c;
}

/** A space the caller can view, or a bare 404. */
export function requireSpace(ctx: ConfluenceContext, rawId: string): Space {
  const id = longId(rawId);
  const space = ctx.store.spaces.get(id);
  if (!space || !ctx.access.canViewSpace(space)) throw new V2NotFound();
  return space;
}
