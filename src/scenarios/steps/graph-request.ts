import { z } from "zod";
import type { World } from "../../simulators/world.ts";
import type { Path } from "../references.ts";
import { many } from "../schema-parts.ts";
import { expandRepeats, jsonMismatch, mapStrings } from "./json-template.ts";
import { defineChange, type StepOutcome } from "./step-module.ts";

const GRAPH = "https://graph.microsoft.com";
const LOGIN = "https://login.microsoftonline.com";

/** JSON written in the scenario, with its `$repeat` lists expanded at load time. */
const json = z.unknown().transform((value, ctx) => {
  try {
    return expandRepeats(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const requestSchema = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path: z
      .string()
      .regex(/^\/?(v1\.0|beta)\//, "starts with /v1.0/ or /beta/")
      .describe("Graph path; {connectionId} is the scenario's connection"),
    body: json
      .optional()
      .describe("JSON body; `{ $repeat: N, from: K, item: … }` in a list is N numbered items"),
    status: many(z.number().int().min(100).max(599))
      .optional()
      .describe("Expected status (or list); default any 2xx Graph uses: 200, 201, 202, 204"),
    response: json
      .optional()
      .describe(
        "Fields the JSON answer must have (objects: these fields at least; lists: element by element)",
      ),
  })
  .strict()
  .describe("A raw Graph call as the connector's app (client credentials)");

type GraphRequest = z.output<typeof requestSchema>;

/**
 * A raw Microsoft Graph call made as the connector's app (client credentials), for what a crawl
 * never does on its own: items with hand-written ACLs, the cells of the operation table, schema
 * edge cases. Placeholders in the path and in body strings: `{connectionId}`, `{tenantId}`,
 * `{user:PERSON}` and `{group:NAME}` (Entra object ids). Fails the step when the answer's status is
 * not the expected one, quoting Graph's error, or when the answer lacks a field of `response`.
 */
export const request = defineChange({
  schema: requestSchema,
  references(req, scope, path) {
    // `{user:REF}` names a person by any reference; it is resolved to the UPN here, once.
    const people = (at: Path) => (text: string) =>
      text.replace(/\{user:([^}]+)\}/g, (_m, ref: string) => `{user:${scope.directoryUser(at, ref)}}`);
    return {
      ...req,
      path: people([...path, "path"])(req.path),
      body: mapStrings(req.body, people([...path, "body"])),
      response: mapStrings(req.response, people([...path, "response"])),
    };
  },
  apply: (ctx, req) => sendGraphRequest(ctx.world, ctx.fetch, ctx.connectionId, req),
});

async function sendGraphRequest(
  world: World,
  fetchImpl: typeof fetch,
  connectionId: string,
  req: GraphRequest,
): Promise<StepOutcome> {
  const token = await appToken(world, fetchImpl);
  const fill = (text: string) => expand(world, connectionId, text);
  const filled = (value: unknown) => JSON.stringify(mapStrings(value, fill));
  const path = fill(req.path);
  const body = req.body === undefined ? undefined : filled(req.body);
  const res = await fetchImpl(`${GRAPH}${path.startsWith("/") ? path : `/${path}`}`, {
    method: req.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body,
  });
  const text = await res.text();
  const summary = `${req.method} ${path} → ${res.status}`;
  const expected = req.status ?? [200, 201, 202, 204];
  const allowed = Array.isArray(expected) ? expected : [expected];
  const detail = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  if (!allowed.includes(res.status))
    return { summary, failures: [`graph ${summary}, expected ${allowed.join(" or ")}: ${detail}`] };
  if (req.response === undefined) return { summary, failures: [] };
  const mismatch = jsonMismatch(parseJson(text), mapStrings(req.response, fill));
  return { summary, failures: mismatch ? [`graph ${summary}: ${mismatch}`] : [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function expand(world: World, connectionId: string, text: string): string {
  return text.replace(/\{(connectionId|tenantId|user:[^}]+|group:[^}]+)\}/g, (_m, ref: string) => {
    if (ref === "connectionId") return connectionId;
    if (ref === "tenantId") return world.directory.tenantId;
    const [kind, name] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
    const found = kind === "user" ? world.directory.user(name) : world.directory.group(name);
    if (!found) throw new Error(`no directory ${kind} "${name}" for {${ref}}`);
    return found.id;
  });
}

/** A client-credentials token for the directory's first app (the connector's). */
export async function appToken(world: World, fetchImpl: typeof fetch): Promise<string> {
  const app = [...world.directory.apps.values()][0];
  if (!app) throw new Error("the directory has no app registration to call Graph as (add one under apps:)");
  const res = await fetchImpl(`${LOGIN}/${world.directory.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: app.appId,
      client_secret: app.secret,
      scope: `${GRAPH}/.default`,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token)
    throw new Error(`token for the connector's app: ${res.status} ${body.error_description ?? ""}`.trim());
  return body.access_token;
}
