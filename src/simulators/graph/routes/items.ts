import { createHash } from "node:crypto";
import type { Route, RouteContext } from "../../host/types.ts";
import { PERMS } from "../auth.ts";
import { GraphError, graphEmpty, graphErrorResponse, graphJson, odataContext } from "../errors.ts";
import { type AclContext, validateActivities, validateItemId } from "../item-rules.ts";
import type { ExternalConnection, ExternalItem } from "../model.ts";
import type { GraphTwin, IngestionRequest } from "../twin.ts";
import { asObject, CONNECTION_PATH, graphRoutes, loadConnection, readJsonBody } from "./common.ts";
import { itemInput } from "./wire.ts";

/** What an item's ACL is checked against: this tenant, the route's version, the item rules' limit. */
function aclContext(twin: GraphTwin, ctx: RouteContext): AclContext {
  return {
    tenantId: twin.directory.tenantId,
    version: ctx.url.pathname.startsWith("/beta/") ? "beta" : "v1.0",
    maxEntries: twin.itemRules.maxAclEntries,
  };
}

/** The identity of a write for retry discipline (the body is read once and shared with the route). */
async function ingestionRequest(ctx: RouteContext): Promise<IngestionRequest> {
  const { method } = ctx;
  const url = ctx.url.href;
  const body = method === "PUT" || method === "PATCH" ? await ctx.text() : "";
  const digest = createHash("sha256").update(body).digest("base64url");
  const clientRequestId = ctx.header("client-request-id") ?? undefined;
  return { request: `${method} ${url}`, identity: `${method} ${url} ${digest}`, clientRequestId };
}

/** `…/items/{id}` (PUT, PATCH, GET, DELETE), `addActivities`, and the collection POST that is not a create. */
export function itemRoutes(twin: GraphTwin): Route[] {
  const { issuer } = twin;
  const itemPath = `${CONNECTION_PATH}/items/:itemId`;

  /** Ingestion writes take a token from the connection's bucket first (429 when it is empty). */
  const ingest = async (ctx: RouteContext, conn: ExternalConnection): Promise<void> => {
    if (twin.ingestionItemsPerSecond === undefined) return; // throttling off: nothing to identify
    const retryAfter = twin.takeIngestionToken(conn.id, await ingestionRequest(ctx), (text) =>
      ctx.note(text),
    );
    if (retryAfter !== undefined) {
      throw new GraphError(
        429,
        "activityLimitReached",
        "The request has been throttled",
        { code: "throttledRequest" },
        { "retry-after": String(retryAfter) },
      );
    }
  };

  const itemJson = (ctx: RouteContext, conn: ExternalConnection, item: ExternalItem) => {
    const body: Record<string, unknown> = {
      "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/items/$entity`),
      id: item.id,
      acl: item.acl,
      properties: item.properties,
    };
    if (item.content) body.content = item.content;
    return body;
  };

  return [
    ...graphRoutes(issuer, "PUT", itemPath, "externalConnections.putItem", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      const body = await readJsonBody(ctx);
      const id = ctx.params.itemId;
      validateItemId(id, twin.itemRules);
      const { created, item, warnings } = twin.putItem(conn, id, itemInput(id, body, aclContext(twin, ctx)));
      for (const warning of warnings ?? []) ctx.note(warning);
      // Create: bare 200 (docs example, Dev Proxy mock); update: 200 with the item (current docs).
      return created ? graphEmpty(ctx, 200) : graphJson(ctx, itemJson(ctx, conn, item));
    }),
    ...graphRoutes(issuer, "PATCH", itemPath, "externalConnections.updateItem", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      const id = ctx.params.itemId;
      const item = twin.patchItem(conn, id, itemInput(id, await readJsonBody(ctx), aclContext(twin, ctx)));
      return graphJson(ctx, itemJson(ctx, conn, item));
    }),
    ...graphRoutes(issuer, "GET", itemPath, "externalConnections.getItem", (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemRead);
      return graphJson(ctx, itemJson(ctx, conn, twin.getItem(conn, ctx.params.itemId)));
    }),
    ...graphRoutes(issuer, "DELETE", itemPath, "externalConnections.deleteItem", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      twin.deleteItem(conn, ctx.params.itemId);
      return graphEmpty(ctx, 204);
    }),
    ...graphRoutes(
      issuer,
      "POST",
      `${CONNECTION_PATH}/items`,
      "externalConnections.postItems",
      (ctx, caller) => {
        loadConnection(twin, ctx, caller, PERMS.itemWrite);
        // Observed (msgraph-sdk-powershell#3375): POST to the collection is not a create route.
        return graphErrorResponse(
          ctx,
          404,
          "UnknownError",
          "No HTTP resource was found that matches the request URI.",
        );
      },
    ),
    ...graphRoutes(
      issuer,
      "POST",
      `${itemPath}/addActivities`,
      "externalConnections.addActivities",
      async (ctx, caller) => {
        if (caller.kind !== "app") {
          throw new GraphError(403, "Forbidden", "addActivities supports application permissions only.");
        }
        const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
        const body = asObject(await readJsonBody(ctx));
        const activities = validateActivities(body.activities, 20);
        twin.addActivities(conn, ctx.params.itemId, activities);
        return graphJson(ctx, {
          "@odata.context": odataContext(
            ctx,
            "Collection(microsoft.graph.externalConnectors.externalActivityResult)",
          ),
          value: activities.map((a) => ({ ...a, error: null })),
        });
      },
    ),
  ];
}
