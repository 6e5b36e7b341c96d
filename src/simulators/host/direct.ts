import type { DispatchResult, SimHost } from "./host.ts";

/**
 * The direct transport: a fetch-compatible function that hands the Request straight to the host's
 * router. No sockets, no interception; the fastest way for our own connector and the runner.
 * Hosts that no simulated service answers on fail like a DNS miss, so a misconfigured base URL
 * shows up instead of being served silently.
 */
export function createDirectFetch(host: SimHost): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const { hostname } = new URL(request.url);
    if (!host.servesHost(hostname)) {
      throw networkError(`getaddrinfo ENOTFOUND ${hostname}`, "ENOTFOUND");
    }
    const result = await host.dispatch(request);
    if (result.latencyMs) await new Promise((r) => setTimeout(r, result.latencyMs));
    return toClientResponse(result);
  };
}

/** Turns a dispatch result into what a fetch caller sees: a Response, or the error undici throws. */
export async function toClientResponse(result: DispatchResult): Promise<Response> {
  if (result.kind === "drop") throw networkError("socket hang up", "ECONNRESET");
  const { response, truncateAt } = result;
  if (truncateAt === undefined) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const cut = truncateAt < 0 ? Math.floor(bytes.length / 2) : Math.min(truncateAt, bytes.length);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, cut));
      controller.error(
        new TypeError("terminated", { cause: networkError("other side closed", "UND_ERR_SOCKET") }),
      );
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function networkError(message: string, code: string): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError("fetch failed", { cause });
}
