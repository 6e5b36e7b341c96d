import type { Route } from "../../host/types.ts";
import { PERMS } from "../auth.ts";
import { apiVersion, graphEmpty, graphJson, odataContext } from "../errors.ts";
import { LABELS, validateSchema } from "../schema-rules.ts";
import type { GraphTwin } from "../twin.ts";
import { CONNECTION_PATH, graphRoutes, loadConnection, readJsonBody } from "./common.ts";

/** Label members before the `unknownFutureValue` sentinel (CSDL values 0–8). */
const BASE_LABELS = new Set<string>(LABELS.slice(0, 9));

/** `…/schema` (register, read, delete) and `…/operations/{id}` (the provisioning operation). */
export function schemaRoutes(twin: GraphTwin): Route[] {
  const { issuer } = twin;
  const schemaPath = `${CONNECTION_PATH}/schema`;
  return [
    ...(["PATCH", "POST"] as const).flatMap((method) =>
      graphRoutes(
        issuer,
        method,
        schemaPath,
        method === "PATCH" ? "externalConnections.updateSchema" : "externalConnections.createSchema",
        async (ctx, caller) => {
          const conn = loadConnection(twin, ctx, caller, PERMS.connectionWrite);
          const op = twin.submitSchema(conn, validateSchema(await readJsonBody(ctx)));
          ctx.note(`schema operation ${op.id} completes at ${new Date(op.completesAt).toISOString()}`);
          return graphEmpty(ctx, 202, {
            location: `${ctx.url.origin}/${apiVersion(ctx)}/external/connections/${conn.id}/operations/${op.id}`,
          });
        },
      ),
    ),
    ...graphRoutes(issuer, "GET", schemaPath, "externalConnections.getSchema", (ctx, caller) => {
      const conn = loadConnection(twin, ctx, caller, PERMS.connectionRead);
      const schema = twin.readSchema(conn);
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
    ...graphRoutes(issuer, "DELETE", schemaPath, "externalConnections.deleteSchema", (ctx, caller) => {
      twin.deleteSchema(loadConnection(twin, ctx, caller, PERMS.connectionWrite));
      return graphEmpty(ctx, 204);
    }),
    ...graphRoutes(
      issuer,
      "GET",
      `${CONNECTION_PATH}/operations/:operationId`,
      "externalConnections.getOperation",
      (ctx, caller) => {
        const conn = loadConnection(twin, ctx, caller, PERMS.connectionRead);
        const op = twin.operation(conn, ctx.params.operationId);
        const status = twin.operationStatus(conn, op);
        return graphJson(ctx, {
          "@odata.context": odataContext(ctx, `external/connections('${conn.id}')/operations/$entity`),
          id: op.id,
          status,
          error: status === "failed" ? { code: "UnknownError", message: op.failWith } : null,
        });
      },
    ),
  ];
}
