import { addRoute, createRouter, findRoute } from "rou3";
import { streamText } from "../../../util/stream-text.ts";
import { safeDecode } from "../../host/paths.ts";
import type { Route, RouteContext } from "../../host/types.ts";
import { badRequest, errorResponse, GraphError, graphErrorResponse, graphJson } from "../errors.ts";
import { type BatchRequest, parseBatchRequests } from "./batch-requests.ts";
import { asObject, readJsonBody } from "./common.ts";

/**
 * `POST /$batch` (JSON batching): ≤ 20 requests, `dependsOn` ordering, each request dispatched
 * through the host like a direct one (journal entry, fault plan, throttling) with the outer
 * request's Authorization; a request whose dependency
 * failed answers 424. Responses keep the request order.
 */
export function batchRoutes(routes: Route[], notFound: (ctx: RouteContext) => Response): Route[] {
  const router = createRouter<Route>();
  for (const r of routes) addRoute(router, r.method === "*" ? "" : r.method, r.path, r);

  const handler = async (ctx: RouteContext): Promise<Response> => {
    try {
      const version = ctx.url.pathname.startsWith("/beta/") ? "beta" : "v1.0";
      const body = asObject(await readJsonBody(ctx));
      const requests = parseBatchRequests(body, version);
      const results = new Map<
        string,
        { id: string; status: number; headers: Record<string, string>; body?: unknown }
      >();
      const pending = [...requests];
      const done = new Set<string>();
      while (pending.length > 0) {
        const idx = pending.findIndex((r) => r.dependsOn.every((d) => done.has(d)));
        if (idx < 0)
          throw badRequest("The dependsOn graph of the batch has a cycle or names an unknown request id.");
        const req = pending.splice(idx, 1)[0];
        const failedDep = req.dependsOn.find((d) => (results.get(d)?.status ?? 0) >= 400);
        if (failedDep !== undefined) {
          results.set(req.id, {
            id: req.id,
            status: 424,
            headers: { "Content-Type": "application/json" },
            body: {
              error: {
                code: "FailedDependency",
                message: `The request depends on request ${failedDep}, which failed.`,
              },
            },
          });
        } else {
          results.set(req.id, await run(ctx, req));
        }
        done.add(req.id);
      }
      ctx.note(
        `batch of ${requests.length}: ${requests.map((r) => `${r.id}=${results.get(r.id)?.status}`).join(" ")}`,
      );
      return graphJson(ctx, { responses: requests.map((r) => results.get(r.id)) });
    } catch (error) {
      if (error instanceof GraphError) return errorResponse(ctx, error);
      throw error;
    }
  };

  async function run(outer: RouteContext, req: BatchRequest) {
    const url = new URL(`${outer.url.origin}${req.path}`);
    const headers = new Headers(req.headers);
    const auth = outer.header("authorization");
    if (auth && !headers.has("authorization")) headers.set("authorization", auth);
    let body: string | undefined;
    if (req.body !== undefined && req.method !== "GET" && req.method !== "DELETE") {
      body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const request = new Request(url, { method: req.method, headers, body });
    // Through the host when there is one: each sub-request gets its own journal entry, fault
    // decision (429/5xx/latency) and throttling, exactly like a direct request (Graph runs each
    // one separately; its status travels in the batch answer).
    const response = outer.dispatch
      ? await dispatchInner(outer, req, request)
      : await runLocally(outer, req, request, url);
    // Header names as Graph's batch answers spell them (the JS SDK's BatchResponseContent looks
    // up "Content-Type" case-sensitively to decide whether to re-serialise the JSON body).
    const out: Record<string, string> = {};
    for (const name of ["Cache-Control", "Content-Type", "Location", "Retry-After", "OData-Version"]) {
      const v =
        name === "OData-Version"
          ? response.headers.get("content-type")?.includes("odata")
            ? "4.0"
            : null
          : response.headers.get(name);
      if (v !== null) out[name] = v;
    }
    const text = await response.text();
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = Buffer.from(text).toString("base64");
      }
    }
    return {
      id: req.id,
      status: response.status,
      headers: out,
      ...(parsed === undefined ? {} : { body: parsed }),
    };
  }

  async function dispatchInner(outer: RouteContext, req: BatchRequest, request: Request): Promise<Response> {
    const result = await outer.dispatch!(request);
    if (result.latencyMs) await new Promise((r) => setTimeout(r, result.latencyMs));
    if (result.kind === "response") return result.response;
    // A dropped connection has no wire inside a batch: Graph's front end answers for the backend.
    outer.note(`[batch ${req.id}] injected connection drop → 504`);
    return graphErrorResponse(
      // Graph's front end answers for the dropped sub-request: ids from the batch request.
      {
        header: (name) => request.headers.get(name),
        seq: outer.seq,
        url: new URL(request.url),
        clock: outer.clock,
      },
      504,
      "GatewayTimeout",
      "The backend did not answer the batch request.",
    );
  }

  /** Without a host (route-level tests): the batch's own router, no journal, no faults. */
  async function runLocally(outer: RouteContext, req: BatchRequest, request: Request, url: URL) {
    let text: Promise<string> | undefined;
    const ctx: RouteContext = {
      request,
      method: request.method,
      header: (name) => request.headers.get(name),
      text: () => (text ??= streamText(request.body)),
      seq: outer.seq,
      url,
      params: {},
      query: url.searchParams,
      clock: outer.clock,
      note: (t) => outer.note(`[batch ${req.id}] ${t}`),
    };
    const match = findRoute(router, req.method, url.pathname);
    if (!match) return notFound(ctx);
    for (const [k, v] of Object.entries(match.params ?? {})) ctx.params[k] = safeDecode(v);
    try {
      return await match.data.handler(ctx);
    } catch {
      return graphErrorResponse(ctx, 500, "UnknownError", "An unexpected error occurred in a batch request.");
    }
  }

  return (["v1.0", "beta"] as const).map((v) => ({
    method: "POST" as const,
    path: `/${v}/$batch`,
    operationId: "batch",
    handler,
  }));
}
