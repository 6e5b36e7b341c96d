import type { Route, RouteContext } from "../../host/types.ts";
import { PERMS } from "../auth.ts";
import { graphEmpty, graphJson, odataContext } from "../errors.ts";
import type { ExternalConnection, ExternalGroup } from "../model.ts";
import type { GraphTwin } from "../twin.ts";
import { asObject, CONNECTION_PATH, graphRoutes, loadConnection, readJsonBody } from "./common.ts";
import { externalGroupInput, externalGroupMember, externalGroupPatch } from "./wire.ts";

/** `…/groups[/{id}[/members[/{memberId}]]]`: external groups and their members. */
export function externalGroupRoutes(twin: GraphTwin): Route[] {
  const { issuer } = twin;
  const groups = `${CONNECTION_PATH}/groups`;
  const group = `${groups}/:groupId`;

  const groupJson = (ctx: RouteContext, conn: ExternalConnection, g: ExternalGroup) => ({
    "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/groups/$entity`),
    id: g.id,
    displayName: g.displayName,
    description: g.description,
  });

  return [
    ...graphRoutes(issuer, "POST", groups, "externalConnections.createGroup", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      const g = twin.createGroup(conn, externalGroupInput(asObject(await readJsonBody(ctx))));
      return graphJson(ctx, groupJson(ctx, conn, g), 201);
    }),
    ...graphRoutes(issuer, "GET", group, "externalConnections.getGroup", (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemRead);
      return graphJson(ctx, groupJson(ctx, conn, twin.getGroup(conn, ctx.params.groupId)));
    }),
    ...graphRoutes(issuer, "PATCH", group, "externalConnections.updateGroup", async (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      twin.updateGroup(conn, ctx.params.groupId, externalGroupPatch(asObject(await readJsonBody(ctx))));
      return graphEmpty(ctx, 204);
    }),
    ...graphRoutes(issuer, "DELETE", group, "externalConnections.deleteGroup", (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
      twin.deleteGroup(conn, ctx.params.groupId);
      return graphEmpty(ctx, 204);
    }),
    ...graphRoutes(
      issuer,
      "POST",
      `${group}/members`,
      "externalConnections.addMember",
      async (ctx, caller) => {
        const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
        const member = externalGroupMember(asObject(await readJsonBody(ctx)));
        const m = twin.addGroupMember(conn, ctx.params.groupId, member);
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
      },
    ),
    ...graphRoutes(issuer, "GET", `${group}/members`, "externalConnections.listMembers", (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.itemRead);
      const g = twin.getGroup(conn, ctx.params.groupId);
      return graphJson(ctx, {
        "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/groups('${g.id}')/members`),
        value: [...g.members.values()],
      });
    }),
    ...graphRoutes(
      issuer,
      "DELETE",
      `${group}/members/:memberId`,
      "externalConnections.removeMember",
      (ctx, caller) => {
        const conn = loadConnection(twin, ctx, caller, PERMS.itemWrite);
        twin.removeGroupMember(conn, ctx.params.groupId, ctx.params.memberId);
        return graphEmpty(ctx, 204);
      },
    ),
  ];
}
