import { jsonNestsDeeperThan } from "../../../util/json-depth.ts";
import type { Caller, TokenIssuer } from "../../directory/tokens.ts";
import type { HttpMethod, Route, RouteContext } from "../../host/types.ts";
import { authenticate, requireConnectorPermission } from "../auth.ts";
import { badRequest, errorResponse, GraphError, graphErrorResponse } from "../errors.ts";
import type { ExternalConnection } from "../model.ts";
import type { GraphTwin } from "../twin.ts";

export type GraphHandler = (ctx: RouteContext, caller: Caller) => Response | Promise<Response>;

export interface RouteOptions {
  versions?: Array<"v1.0" | "beta">;
}

/** One Graph operation registered under `/v1.0` and `/beta`, authenticated, errors rendered as Graph does. */
export function graphRoutes(
  issuer: TokenIssuer,
  method: HttpMethod,
  path: string,
  operationId: string,
  handler: GraphHandler,
  options: RouteOptions = {},
): Route[] {
  return (options.versions ?? ["v1.0", "beta"]).map((v) => ({
    method,
    path: `/${v}${path}`,
    operationId,
    handler: async (ctx: RouteContext) => {
      try {
        const caller = await authenticate(issuer, ctx.header("authorization"));
        return await handler(ctx, caller);
      } catch (error) {
        if (error instanceof GraphError) {
          ctx.note(
            `${operationId}: ${error.status} ${error.code}${error.inner?.code ? `/${error.inner.code}` : ""} ${error.inner?.message ?? error.message}`,
          );
          return errorResponse(ctx, error);
        }
        throw error;
      }
    },
  }));
}

/** Routes under `/external/connections/{connectionId}`. */
export const CONNECTION_PATH = "/external/connections/:connectionId";

/**
 * The route's connection, if it exists and the caller may see it (the permission used, or a
 * delegated caller, decides whether `.OwnedBy` scoping applies); 404 otherwise.
 */
export function loadConnection(
  twin: GraphTwin,
  ctx: RouteContext,
  caller: Caller,
  perms: readonly string[],
): ExternalConnection {
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
}

export const MAX_GRAPH_BODY_BYTES = 4_000_000;
/**
 * Deepest JSON nesting a Graph body may use: OData's reader refuses messages nested deeper than
 * `ODataMessageQuotas.MaxNestingDepth`, 100 by default
 * (https://learn.microsoft.com/dotnet/api/microsoft.odata.odatamessagequotas.maxnestingdepth).
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Reads a JSON body: 400 on a missing, too deep or malformed one. Bodies over MAX_GRAPH_BODY_BYTES never
 * get here: the host refuses them with `graphTooLarge` while reading (the service's maxBodyBytes).
 */
export async function readJsonBody(ctx: RouteContext): Promise<unknown> {
  // ctx.text() reads the body once: throttling's retry identity reads it too.
  const text = await ctx.text();
  if (text.length === 0) {
    throw badRequest("Empty Payload. JSON content expected.", {
      code: "InvalidRequestBody",
      message: "The request needs a JSON body.",
    });
  }
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw badRequest(`The request payload nests deeper than the maximum depth of ${MAX_JSON_DEPTH}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
}

/** Graph's 413 for a body over `limit` bytes (status inferred: [G-LIM] names the limit, not the answer). */
export function graphTooLarge(ctx: RouteContext, limit: number): Response {
  return errorResponse(
    ctx,
    new GraphError(
      413,
      "RequestEntityTooLarge",
      `The request body is larger than the limit of ${limit} bytes.`,
      {
        code: "PayloadTooLarge",
        message: `externalItem payloads are limited to ${limit} bytes.`,
      },
    ),
  );
}

export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

export { graphErrorResponse };
