import { BodyTooLargeError } from "../../util/stream-text.ts";
import type { HostContext } from "./context.ts";
import { type Handler, json, type RouteContext, type Service } from "./types.ts";

/**
 * Largest body a service without its own `maxBodyBytes` (and the admin API) reads: large enough
 * for any directory or fault plan an admin request carries, small enough to keep memory flat.
 */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The service's 413, or a plain one in the host's format for a service without its own. */
export function tooLarge(service: Service, ctx: RouteContext, limit: number): Response {
  return (
    service.tooLarge?.(ctx, limit) ?? json({ error: `the request body is larger than ${limit} bytes` }, 413)
  );
}

/** An admin endpoint; a body over DEFAULT_MAX_BODY_BYTES is its 413. */
export async function runAdmin(handler: Handler, ctx: HostContext): Promise<Response> {
  ctx.maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  if (Number(ctx.header("content-length") ?? 0) > DEFAULT_MAX_BODY_BYTES) {
    return json({ error: `the request body is larger than ${DEFAULT_MAX_BODY_BYTES} bytes` }, 413);
  }
  try {
    return await handler(ctx);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return json({ error: `the request body is larger than ${error.limit} bytes` }, 413);
    }
    throw error;
  }
}
