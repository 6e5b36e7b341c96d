import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import type { Service } from "../errors.ts";
import { type RetryPolicy, ThrottleGate, withRetry } from "../retry.ts";
import type { CallStats, Runtime } from "../runtime.ts";

/**
 * The Graph SDK's middleware chain, rebuilt so every byte goes through the injected fetch:
 * bearer token → our retry policy (Retry-After, jittered backoff, injected sleep) → fetch.
 * Our auth step attaches the token to the configured Graph origin whatever its scheme, so the
 * same code runs against graph.microsoft.com and a twin on http://127.0.0.1.
 */
export function graphMiddleware(options: {
  runtime: Runtime;
  policy: RetryPolicy;
  stats: CallStats;
  graphOrigin: string;
  token: () => Promise<string>;
}): Middleware[] {
  const { runtime, policy, stats, graphOrigin, token } = options;
  const service: Service = "graph";
  const gate = new ThrottleGate();
  // The SDK builds URLs from the configured origin, so a prefix test settles almost every call;
  // absolute URLs from the server (operation Location, nextLink) may spell the origin differently.
  const isGraphUrl = (url: string) =>
    url.startsWith(`${graphOrigin}/`) || (URL.canParse(url) && new URL(url).origin === graphOrigin);

  class BearerToken implements Middleware {
    #next?: Middleware;
    setNext(next: Middleware) {
      this.#next = next;
    }
    async execute(context: Context) {
      const url = typeof context.request === "string" ? context.request : context.request.url;
      if (isGraphUrl(url)) {
        context.options = {
          ...context.options,
          headers: withAuthorization(context.options?.headers, `Bearer ${await token()}`),
        };
      }
      await this.#next!.execute(context);
    }
  }

  class Retry implements Middleware {
    #next?: Middleware;
    setNext(next: Middleware) {
      this.#next = next;
    }
    async execute(context: Context) {
      context.response = await withRetry(
        async () => {
          await this.#next!.execute(context);
          return context.response!;
        },
        policy,
        runtime,
        stats.retryCounter(service),
        gate,
      );
    }
  }

  class InjectedFetch implements Middleware {
    async execute(context: Context) {
      stats.calls[service]++;
      context.response = await runtime.fetch(context.request, context.options as RequestInit);
    }
  }

  return [new BearerToken(), new Retry(), new InjectedFetch()];
}

/** The SDK's headers (a plain record in practice) with `authorization` replaced, whatever its case. */
function withAuthorization(headers: HeadersInit | undefined, value: string): Record<string, string> {
  if (headers instanceof Headers || Array.isArray(headers)) {
    const h = new Headers(headers);
    h.set("authorization", value);
    return Object.fromEntries(h.entries());
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== "authorization") out[name] = v;
  }
  out.authorization = value;
  return out;
}
