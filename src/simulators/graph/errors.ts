import { httpDate } from "../host/clock.ts";
import { sequenceUuid } from "../host/ids.ts";
import type { RouteContext } from "../host/types.ts";

/**
 * Graph's wire envelope: `request-id` and the echoed `client-request-id` on every answer,
 * OData content type on JSON bodies, `@odata.context` on entities, and the error body
 * `{error:{code,message,innerError:{code?,message?,date,request-id,client-request-id}}}`.
 */

export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** A domain error a route turns into Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly inner?: { code: string; message?: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphError";
  }
}

/** The message Graph puts on connector validation failures; the reason goes to `innerError`. */
export const MALFORMED = "The request is malformed or incorrect.";

export function invalidRequest(innerCode: string, innerMessage: string): GraphError {
  return new GraphError(400, "InvalidRequest", MALFORMED, { code: innerCode, message: innerMessage });
}

export function badRequest(message: string, inner?: { code: string; message?: string }): GraphError {
  return new GraphError(400, "BadRequest", message, inner);
}

/** Graph's `request-id` (from the journal seq: the same in every run) and the caller's `client-request-id`. */
export function requestIds(ctx: Pick<RouteContext, "header" | "seq">): {
  requestId: string;
  clientRequestId: string;
} {
  const requestId = sequenceUuid(ctx.seq, GRAPH_ID_SALT);
  return { requestId, clientRequestId: ctx.header("client-request-id") ?? requestId };
}

const GRAPH_ID_SALT = 0x6a7f;

/** Fixed per deployment: one string, not a JSON.stringify per answer. */
const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: "cgsim", Slice: "E", Ring: "1", ScaleUnit: "000", RoleInstance: "cgsim-twin" },
});

/**
 * Graph's envelope headers as a plain record (lower-case names), `extra` first so the envelope
 * wins. A record, not a Headers: the Response copies its init anyway, so building a Headers
 * first validates every header twice.
 */
export function envelopeHeaders(
  ctx: Pick<RouteContext, "header" | "seq" | "clock">,
  extra: HeadersInit = {},
): Record<string, string> {
  const { requestId, clientRequestId } = requestIds(ctx);
  const h: Record<string, string> = {};
  const entries =
    extra instanceof Headers || Array.isArray(extra)
      ? extra
      : Object.entries(extra as Record<string, string>);
  for (const [name, value] of entries) h[name.toLowerCase()] = value;
  h["request-id"] = requestId;
  h["client-request-id"] = clientRequestId;
  h["x-ms-ags-diagnostic"] = AGS_DIAGNOSTIC;
  h["strict-transport-security"] = "max-age=31536000";
  h.date = httpDate(ctx.clock.now());
  h["cache-control"] = "no-cache";
  return h;
}

/** `https://graph.microsoft.com/v1.0/$metadata#…` (Graph always names its own host here). */
export function odataContext(ctx: Pick<RouteContext, "url">, fragment: string): string {
  return `https://graph.microsoft.com/${apiVersion(ctx)}/$metadata#${fragment}`;
}

export function apiVersion(ctx: Pick<RouteContext, "url">): "v1.0" | "beta" {
  return ctx.url.pathname.startsWith("/beta/") ? "beta" : "v1.0";
}

export function graphJson(
  ctx: Pick<RouteContext, "header" | "seq" | "clock" | "url">,
  body: unknown,
  status = 200,
  extra: HeadersInit = {},
): Response {
  const h = envelopeHeaders(ctx, extra);
  h["content-type"] = GRAPH_JSON;
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** A body-less answer with no content type (the SDK would try to parse an empty JSON body). */
export function graphEmpty(
  ctx: Pick<RouteContext, "header" | "seq" | "clock">,
  status = 204,
  extra: HeadersInit = {},
): Response {
  const h = envelopeHeaders(ctx, extra);
  if (status !== 204) h["content-length"] = "0";
  return new Response(null, { status, headers: h });
}

/** Graph's error body; `innerError.date` is ISO without fraction and without `Z`, as observed. */
export function graphErrorResponse(
  ctx: Pick<RouteContext, "header" | "seq" | "clock" | "url">,
  status: number,
  code: string,
  message: string,
  inner?: { code: string; message?: string },
  extra: HeadersInit = {},
): Response {
  const { requestId, clientRequestId } = requestIds(ctx);
  const innerError: Record<string, unknown> = {};
  if (inner?.code) innerError.code = inner.code;
  if (inner?.message) innerError.message = inner.message;
  innerError.date = ctx.clock.iso().replace(/\.\d+Z$/, "");
  innerError["request-id"] = requestId;
  innerError["client-request-id"] = clientRequestId;
  const h = envelopeHeaders(ctx, extra);
  h["content-type"] = "application/json";
  return new Response(JSON.stringify({ error: { code, message, innerError } }), { status, headers: h });
}

export function errorResponse(
  ctx: Pick<RouteContext, "header" | "seq" | "clock" | "url">,
  e: GraphError,
): Response {
  return graphErrorResponse(ctx, e.status, e.code, e.message, e.inner, e.headers);
}
