import type { Route, RouteContext } from "../../host/types.ts";
import { PERMS, requireConnectorPermission } from "../auth.ts";
import { apiVersion, GraphError, graphEmpty, graphJson, odataContext } from "../errors.ts";
import type { ExternalConnection } from "../model.ts";
import type { GraphTwin } from "../twin.ts";
import { asObject, CONNECTION_PATH, graphRoutes, loadConnection, readJsonBody } from "./common.ts";
import { connectionInput, connectionPatch } from "./wire.ts";

/** `/external/connections[/{id}]`: create, list, get, update, delete, and the beta quota. */
export function connectionRoutes(twin: GraphTwin): Route[] {
  const { issuer } = twin;

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

  return [
    ...graphRoutes(
      issuer,
      "POST",
      "/external/connections",
      "externalConnections.create",
      async (ctx, caller) => {
        requireConnectorPermission(caller, [...PERMS.connectionWrite]);
        const body = asObject(await readJsonBody(ctx));
        const ticket = ctx.header("graphconnectors-ticket");
        if ((ticket === null) !== (body.connectorId === undefined || body.connectorId === null)) {
          throw new GraphError(400, "InvalidRequest", "The request is malformed or incorrect.", {
            code: "ConnectorTicketMismatch",
            message: "Send the GraphConnectors-Ticket header and connectorId together, or neither.",
          });
        }
        const conn = twin.createConnection(caller.appId, connectionInput(body));
        return graphJson(ctx, connectionJson(ctx, conn, true), 201, {
          location: `${ctx.url.origin}/${apiVersion(ctx)}/external/connections('${conn.id}')`,
        });
      },
    ),
    ...graphRoutes(issuer, "GET", "/external/connections", "externalConnections.list", (ctx, caller) => {
      const used = requireConnectorPermission(caller, [...PERMS.connectionRead]);
      const all = used.endsWith(".All") || caller.kind === "user";
      const value = [...twin.connections.values()]
        .filter((c) => all || twin.ownedBy(c, caller.appId))
        .map((c) => connectionJson(ctx, c, false));
      return graphJson(ctx, { "@odata.context": odataContext(ctx, "external/connections"), value });
    }),
    ...graphRoutes(issuer, "GET", CONNECTION_PATH, "externalConnections.get", (ctx, caller) => {
      const conn = twin.readConnection(loadConnection(twin, ctx, caller, PERMS.connectionRead));
      return graphJson(ctx, connectionJson(ctx, conn, true));
    }),
    ...graphRoutes(issuer, "PATCH", CONNECTION_PATH, "externalConnections.update", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.connectionWrite);
      twin.updateConnection(conn, connectionPatch(conn.id, asObject(await readJsonBody(ctx))));
      return graphEmpty(ctx, 204);
    }),
    ...graphRoutes(issuer, "DELETE", CONNECTION_PATH, "externalConnections.delete", (ctx, caller) => {
      twin.deleteConnection(loadConnection(twin, ctx, caller, PERMS.connectionWrite));
      return graphEmpty(ctx, 202);
    }),
    ...graphRoutes(
      issuer,
      "GET",
      `${CONNECTION_PATH}/quota`,
      "externalConnections.getQuota",
      (ctx, caller) => {
        const conn = loadConnection(twin, ctx, caller, PERMS.connectionRead);
        return graphJson(ctx, {
          "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/quota/$entity`),
          id: conn.id,
          itemsRemaining: twin.itemsRemaining(conn),
        });
      },
      { versions: ["beta"] },
    ),
  ];
}
