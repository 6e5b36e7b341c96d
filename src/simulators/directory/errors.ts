import { sequenceUuid } from "../host/ids.ts";
import { json, type RouteContext } from "../host/types.ts";
import type { AppRegistration } from "./model.ts";

/** Salts for the identity platform's trace and correlation ids (journal seq based: the same every run). */
const LOGIN_REQUEST_ID = 0x10c1;
const LOGIN_CORRELATION_ID = 0x10c2;

/** The trace id (`x-ms-request-id`) and correlation id (the caller's `client-request-id`, else derived). */
export function loginIds(ctx: RouteContext): { traceId: string; correlationId: string } {
  return {
    traceId: sequenceUuid(ctx.seq, LOGIN_REQUEST_ID),
    correlationId: ctx.header("client-request-id") ?? sequenceUuid(ctx.seq, LOGIN_CORRELATION_ID),
  };
}

/** AADSTS90002: the URL's `{tenant}` is not this directory's (discovery says `invalid_tenant`, the token endpoint `invalid_request`). */
export function tenantNotFound(
  ctx: RouteContext,
  tenant: string,
  error: "invalid_tenant" | "invalid_request",
): Response {
  return aadError(
    ctx,
    400,
    error,
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );
}

/** The identity platform's error body: `error`, `error_description` with AADSTS code and trace lines. */
export function aadError(
  ctx: RouteContext,
  status: number,
  error: string,
  code: number,
  description: string,
): Response {
  const { traceId, correlationId } = loginIds(ctx);
  const timestamp = ctx.clock
    .iso()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    status,
    { "x-ms-request-id": traceId, "client-request-id": correlationId },
  );
}

/** A token endpoint success: the body plus the platform's no-cache and request-id headers. */
export function tokenResponse(ctx: RouteContext, body: Record<string, unknown>): Response {
  const { traceId, correlationId } = loginIds(ctx);
  return json(body, 200, {
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    "x-ms-request-id": traceId,
    "client-request-id": correlationId,
  });
}

export function invalidSecret(ctx: RouteContext, app: AppRegistration): Response {
  return aadError(
    ctx,
    401,
    "invalid_client",
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
  );
}
