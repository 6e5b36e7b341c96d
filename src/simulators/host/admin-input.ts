import { json, type RouteContext } from "./types.ts";

/**
 * An admin request's JSON body, or undefined when it is missing or malformed (the caller answers
 * 400). Read through ctx.text(), so a body over the admin limit throws instead: the host's 413.
 */
export async function readAdminJson(ctx: RouteContext): Promise<unknown> {
  const text = await ctx.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An admin request's JSON object body; `{}` when the body is missing, malformed or not an object. */
export async function adminBody(ctx: RouteContext): Promise<Record<string, unknown>> {
  const body = await readAdminJson(ctx);
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
}

/** Runs an admin action: its result as JSON, or 400 `{error}` with the message of what it threw. */
export async function answer(action: () => unknown | Promise<unknown>): Promise<Response> {
  try {
    return json(await action());
  } catch (error) {
    return json({ error: error instanceof Error ? error.message : String(error) }, 400);
  }
}

/** A non-empty string from a query or body, or an error naming the missing key. */
export function required(from: URLSearchParams | Record<string, unknown>, key: string): string {
  const v = from instanceof URLSearchParams ? from.get(key) : from[key];
  if (typeof v !== "string" || v === "") throw new Error(`'${key}' is required`);
  return v;
}
