import { createHash } from "node:crypto";
import type { Caller, TokenIssuer } from "../../directory/tokens.ts";
import type { Route, RouteContext } from "../../host/types.ts";
import { PERMS, requireConnectorPermission } from "../auth.ts";
import {
  apiVersion,
  GraphError,
  graphEmpty,
  graphErrorResponse,
  graphJson,
  odataContext,
} from "../errors.ts";
import { validateActivities } from "../items.ts";
import { refusal } from "../lifecycle.ts";
import type { ExternalConnection, ExternalGroup, ExternalItem } from "../model.ts";
import { LABELS } from "../schema-rules.ts";
import type { GraphTwin, IngestionRequest } from "../twin.ts";
import { asObject, graphRoutes, readJsonBody } from "./common.ts";

/** The identity of a write for retry discipline (the body is read once and shared with the route). */
async function ingestionRequest(ctx: RouteContext): Promise<IngestionRequest> {
  const { method } = ctx;
  const url = ctx.url.href;
  const body = method === "PUT" || method === "PATCH" ? await ctx.text() : "";
  const digest = createHash("sha256").update(body).digest("base64url");
  const clientRequestId = ctx.header("client-request-id") ?? undefined;
  return { request: `${method} ${url}`, identity: `${method} ${url} ${digest}`, clientRequestId };
}

/** Label members before the `unknownFutureValue` sentinel (CSDL values 0–8). */
const BASE_LABELS = new Set<string>(LABELS.slice(0, 9));

/** `/external/connections/**`: connections, schema, operations, items, external groups, quota. */
export function externalRoutes(twin: GraphTwin, issuer: TokenIssuer): Route[] {
  const r = (
    method: Route["method"],
    path: string,
    op: string,
    h: (ctx: RouteContext, caller: Caller) => Response | Promise<Response>,
    versions?: Array<"v1.0" | "beta">,
  ) => graphRoutes(issuer, method as never, path, op, h, { versions });

  /** The connection, if it exists and the caller may see it (OwnedBy scoping → 404 otherwise). */
  const load = (ctx: RouteContext, caller: Caller, perms: readonly string[]): ExternalConnection => {
    const used = requireConnectorPermission(caller, [...perms]);
    const conn = twin.connection(ctx.params.connectionId);
    const all = used.endsWith(".All") || caller.kind === "user";
    if (!conn || (!all && !twin.ownedBy(conn, caller.appId))) {
      throw new GraphError(
        404,
        "itemNotFound",
        `The requested connection '${ctx.params.connectionId}' was not found.`,
        {
          code: "ConnectionNotFound",
          message: `No connection '${ctx.params.connectionId}' visible to app ${caller.appId}.`,
        },
      );
    }
    return conn;
  };

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

  const connectionJson = (ctx: RouteContext, c: ExternalConnection, withContext: boolean) => {
    const beta = apiVersion(ctx) === "beta";
    const state = twin.stateOf(c);
    const body: Record<string, unknown> = {};
    if (withContext) body["@odata.context"] = odataContext(ctx, "external/connections/$entity");
    Object.assign(body, {
      id: c.id,
      name: c.name,
      description: c.description,
      state,
      configuration: c.configuration,
      activitySettings: c.activitySettings,
      searchSettings: c.searchSettings,
      connectorId: c.connectorId,
      contentCategory: c.contentCategory,
    });
    if (beta) {
      body.enabledContentExperiences = c.enabledContentExperiences;
      body.ingestedItemsCount = state === "draft" ? null : c.items.size;
      body.complianceSettings = c.complianceSettings;
    }
    return body;
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

  const groupJson = (ctx: RouteContext, conn: ExternalConnection, g: ExternalGroup) => ({
    "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/groups/$entity`),
    id: g.id,
    displayName: g.displayName,
    description: g.description,
  });

  const base = "/external/connections/:connectionId";

  return [
    // ── connections ──
    ...r("POST", "/external/connections", "externalConnections.create", async (ctx, caller) => {
      requireConnectorPermission(caller, [...PERMS.connectionWrite]);
      const body = asObject(await readJsonBody(ctx));
      const ticket = ctx.header("graphconnectors-ticket");
      if ((ticket === null) !== (body.connectorId === undefined || body.connectorId === null)) {
        throw new GraphError(400, "InvalidRequest", "The request is malformed or incorrect.", {
          code: "ConnectorTicketMismatch",
          message: "Send the GraphConnectors-Ticket header and connectorId together, or neither.",
        });
      }
      const conn = twin.createConnection(caller.appId, body);
      return graphJson(ctx, connectionJson(ctx, conn, true), 201, {
        location: `${ctx.url.origin}/${apiVersion(ctx)}/external/connections('${conn.id}')`,
      });
    }),
    ...r("GET", "/external/connections", "externalConnections.list", (ctx, caller) => {
      const used = requireConnectorPermission(caller, [...PERMS.connectionRead]);
      const all = used.endsWith(".All") || caller.kind === "user";
      const value = [...twin.connections.values()]
        .filter((c) => all || twin.ownedBy(c, caller.appId))
        .map((c) => connectionJson(ctx, c, false));
      return graphJson(ctx, { "@odata.context": odataContext(ctx, "external/connections"), value });
    }),
    ...r("GET", base, "externalConnections.get", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.connectionRead);
      twin.assert(conn, "readConnection");
      return graphJson(ctx, connectionJson(ctx, conn, true));
    }),
    ...r("PATCH", base, "externalConnections.update", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.connectionWrite);
      twin.assert(conn, "updateConnection");
      twin.updateConnection(conn, asObject(await readJsonBody(ctx)));
      return graphEmpty(ctx, 204);
    }),
    ...r("DELETE", base, "externalConnections.delete", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.connectionWrite);
      twin.deleteConnection(conn);
      return graphEmpty(ctx, 202);
    }),
    ...r(
      "GET",
      `${base}/quota`,
      "externalConnections.getQuota",
      (ctx, caller) => {
        const conn = load(ctx, caller, PERMS.connectionRead);
        return graphJson(ctx, {
          "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/quota/$entity`),
          id: conn.id,
          itemsRemaining: twin.itemsRemaining(conn),
        });
      },
      ["beta"],
    ),

    // ── schema and operations ──
    ...(["PATCH", "POST"] as const).flatMap((method) =>
      r(
        method,
        `${base}/schema`,
        method === "PATCH" ? "externalConnections.updateSchema" : "externalConnections.createSchema",
        async (ctx, caller) => {
          const conn = load(ctx, caller, PERMS.connectionWrite);
          const body = await readJsonBody(ctx);
          const op = twin.submitSchema(conn, body);
          ctx.note(`schema operation ${op.id} completes at ${new Date(op.completesAt).toISOString()}`);
          return graphEmpty(ctx, 202, {
            location: `${ctx.url.origin}/${apiVersion(ctx)}/external/connections/${conn.id}/operations/${op.id}`,
          });
        },
      ),
    ),
    ...r("GET", `${base}/schema`, "externalConnections.getSchema", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.connectionRead);
      const schema = twin.visibleSchema(conn);
      const state = twin.stateOf(conn);
      // Observed: the schema is readable while its operation is still in progress (draft).
      if (!schema || (state === "draft" && !conn.submittedSchema))
        throw refusal("readSchema", state, conn.id);
      if (state !== "draft") twin.assert(conn, "readSchema");
      // Evolvable enums: labels after `unknownFutureValue` (iconUrl, containerName, …) are
      // rendered as `unknownFutureValue` unless the caller opts in with Prefer (Graph guideline).
      const optIn = /include-unknown-enum-members/i.test(ctx.header("prefer") ?? "");
      const properties = optIn
        ? schema.properties
        : schema.properties.map((p) =>
            p.labels
              ? { ...p, labels: p.labels.map((l) => (BASE_LABELS.has(l) ? l : "unknownFutureValue")) }
              : p,
          );
      return graphJson(
        ctx,
        {
          "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/schema/$entity`),
          baseType: schema.baseType,
          properties,
        },
        200,
        optIn ? { "preference-applied": "include-unknown-enum-members" } : {},
      );
    }),
    ...r("DELETE", `${base}/schema`, "externalConnections.deleteSchema", (ctx, caller) => {
      load(ctx, caller, PERMS.connectionWrite);
      return graphErrorResponse(ctx, 404, "UnknownError", "");
    }),
    ...r("GET", `${base}/operations/:operationId`, "externalConnections.getOperation", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.connectionRead);
      const op = conn.operations.get(ctx.params.operationId);
      if (!op) {
        throw new GraphError(404, "itemNotFound", `Operation '${ctx.params.operationId}' was not found.`, {
          code: "OperationNotFound",
          message: `No operation '${ctx.params.operationId}' on connection '${conn.id}'.`,
        });
      }
      const status = twin.operationStatus(conn, op);
      return graphJson(ctx, {
        "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/operations/$entity`),
        id: op.id,
        status,
        error: status === "failed" ? { code: "UnknownError", message: op.failWith } : null,
      });
    }),

    // ── items ──
    ...r("PUT", `${base}/items/:itemId`, "externalConnections.putItem", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      const body = await readJsonBody(ctx);
      const { created, item } = twin.putItem(conn, ctx.params.itemId, body);
      // Create: bare 200 (docs example, Dev Proxy mock); update: 200 with the item (current docs).
      return created ? graphEmpty(ctx, 200) : graphJson(ctx, itemJson(ctx, conn, item));
    }),
    ...r("PATCH", `${base}/items/:itemId`, "externalConnections.updateItem", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      const item = twin.patchItem(conn, ctx.params.itemId, await readJsonBody(ctx));
      return graphJson(ctx, itemJson(ctx, conn, item));
    }),
    ...r("GET", `${base}/items/:itemId`, "externalConnections.getItem", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemRead);
      return graphJson(ctx, itemJson(ctx, conn, twin.getItem(conn, ctx.params.itemId)));
    }),
    ...r("DELETE", `${base}/items/:itemId`, "externalConnections.deleteItem", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      await ingest(ctx, conn);
      twin.deleteItem(conn, ctx.params.itemId);
      return graphEmpty(ctx, 204);
    }),
    ...r("POST", `${base}/items`, "externalConnections.postItems", (ctx, caller) => {
      load(ctx, caller, PERMS.itemWrite);
      // Observed (msgraph-sdk-powershell#3375): POST to the collection is not a create route.
      return graphErrorResponse(
        ctx,
        404,
        "UnknownError",
        "No HTTP resource was found that matches the request URI.",
      );
    }),
    ...r(
      "POST",
      `${base}/items/:itemId/addActivities`,
      "externalConnections.addActivities",
      async (ctx, caller) => {
        if (caller.kind !== "app") {
          throw new GraphError(403, "Forbidden", "addActivities supports application permissions only.");
        }
        const conn = load(ctx, caller, PERMS.itemWrite);
        const body = asObject(await readJsonBody(ctx));
        const activities = validateActivities(body.activities, 20);
        const item = twin.getItem(conn, ctx.params.itemId);
        twin.assert(conn, "updateItem");
        item.activities.push(...activities);
        return graphJson(ctx, {
          "@odata.context": odataContext(
            ctx,
            "Collection(microsoft.graph.externalConnectors.externalActivityResult)",
          ),
          value: activities.map((a) => ({ ...a, error: null })),
        });
      },
    ),

    // ── external groups ──
    ...r("POST", `${base}/groups`, "externalConnections.createGroup", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      const g = twin.createGroup(conn, asObject(await readJsonBody(ctx)));
      return graphJson(ctx, groupJson(ctx, conn, g), 201);
    }),
    ...r("GET", `${base}/groups/:groupId`, "externalConnections.getGroup", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemRead);
      return graphJson(ctx, groupJson(ctx, conn, twin.getGroup(conn, ctx.params.groupId)));
    }),
    ...r("PATCH", `${base}/groups/:groupId`, "externalConnections.updateGroup", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      twin.updateGroup(conn, ctx.params.groupId, asObject(await readJsonBody(ctx)));
      return graphEmpty(ctx, 204);
    }),
    ...r("DELETE", `${base}/groups/:groupId`, "externalConnections.deleteGroup", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      twin.deleteGroup(conn, ctx.params.groupId);
      return graphEmpty(ctx, 204);
    }),
    ...r("POST", `${base}/groups/:groupId/members`, "externalConnections.addMember", async (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemWrite);
      const m = twin.addGroupMember(conn, ctx.params.groupId, asObject(await readJsonBody(ctx)));
      return graphJson(
        ctx,
        {
          "@odata.context": odataContext(
            ctx,
            `external/connections('${conn.id}')/groups('${ctx.params.groupId}')/members/$entity`,
          ),
          ...m,
        },
        201,
      );
    }),
    ...r("GET", `${base}/groups/:groupId/members`, "externalConnections.listMembers", (ctx, caller) => {
      const conn = load(ctx, caller, PERMS.itemRead);
      const g = twin.getGroup(conn, ctx.params.groupId);
      return graphJson(ctx, {
        "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/groups('${g.id}')/members`),
        value: [...g.members.values()],
      });
    }),
    ...r(
      "DELETE",
      `${base}/groups/:groupId/members/:memberId`,
      "externalConnections.removeMember",
      (ctx, caller) => {
        const conn = load(ctx, caller, PERMS.itemWrite);
        twin.removeGroupMember(conn, ctx.params.groupId, ctx.params.memberId);
        return graphEmpty(ctx, 204);
      },
    ),
  ];
}
