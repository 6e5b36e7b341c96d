import { safeDecode } from "../host/paths.ts";
import type { RouteContext, Service, TwinPlugin } from "../host/types.ts";
import { installGraphAdmin } from "./admin.ts";
import { graphErrorResponse } from "./errors.ts";
import { batchRoutes } from "./routes/batch.ts";
import { graphTooLarge, MAX_GRAPH_BODY_BYTES } from "./routes/common.ts";
import { connectionRoutes } from "./routes/connections.ts";
import { directoryRoutes } from "./routes/directory.ts";
import { externalGroupRoutes } from "./routes/groups.ts";
import { itemRoutes } from "./routes/items.ts";
import { schemaRoutes } from "./routes/schema.ts";
import { searchRoutes } from "./routes/search.ts";
import type { GraphTwin } from "./twin.ts";

/** Graph's answer for a path no route knows: 400 "Resource not found for the segment …". */
function segmentNotFound(ctx: RouteContext): Response {
  const segments = ctx.url.pathname.split("/").filter(Boolean);
  const last = segments.at(-1) ?? "";
  return graphErrorResponse(
    ctx,
    400,
    "BadRequest",
    `Resource not found for the segment '${safeDecode(last)}'.`,
  );
}

/**
 * The Microsoft Graph service (graph.microsoft.com, `/v1.0/` and `/beta/`): external connections,
 * schema, operations, items, external groups, quota, search, directory reads and `$batch`.
 */
export function createGraphService(twin: GraphTwin): Service {
  const routes = [
    ...connectionRoutes(twin),
    ...schemaRoutes(twin),
    ...itemRoutes(twin),
    ...externalGroupRoutes(twin),
    ...searchRoutes(twin),
    ...directoryRoutes(twin.directory, twin.issuer),
  ];
  return {
    name: "graph",
    hosts: ["graph.microsoft.com"],
    prefixes: ["/v1.0/", "/beta/"],
    routes: [...routes, ...batchRoutes(routes, segmentNotFound)],
    notFound: segmentNotFound,
    maxBodyBytes: MAX_GRAPH_BODY_BYTES,
    tooLarge: graphTooLarge,
    methodNotAllowed: (ctx) =>
      graphErrorResponse(
        ctx,
        405,
        "BadRequest",
        `The HTTP method '${ctx.method}' is not allowed for the resource '${ctx.url.pathname}'.`,
      ),
    internalError: (ctx) => graphErrorResponse(ctx, 500, "UnknownError", "An unexpected error occurred."),
    faultResponse: (status, retryAfter, ctx) => {
      const extra: Record<string, string> = {};
      if (retryAfter !== undefined) extra["retry-after"] = String(retryAfter);
      if (status === 429) {
        return graphErrorResponse(
          ctx,
          429,
          "activityLimitReached",
          "The request has been throttled",
          { code: "throttledRequest" },
          extra,
        );
      }
      const byStatus: Record<number, [string, string]> = {
        500: ["UnknownError", "An unexpected error occurred."],
        502: ["BadGateway", "The service is temporarily unavailable (bad gateway)."],
        503: ["serviceNotAvailable", "The service is temporarily unavailable. Please retry later."],
        504: ["GatewayTimeout", "The request timed out at the gateway."],
      };
      const [code, message] = byStatus[status] ?? ["UnknownError", "Injected fault"];
      return graphErrorResponse(ctx, status, code, message, undefined, extra);
    },
  };
}

/** The Graph twin as the host mounts it: graph.microsoft.com, `/_sim/graph/…`, state and reset. */
export function graphPlugin(twin: GraphTwin): TwinPlugin {
  return {
    services: [createGraphService(twin)],
    installAdmin: (host) => installGraphAdmin(host, twin),
    snapshot: () => twin.snapshot(),
    reset: () => twin.reset(),
  };
}
