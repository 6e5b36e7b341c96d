import { deliver, type Transport } from "./deliver.ts";
import type { SimHost } from "./host.ts";
import type { IncomingRequest } from "./types.ts";

/**
 * The direct transport: a fetch-compatible function that hands the Request straight to the host's
 * router. No sockets, no interception; the fastest way for our own connector and the runner.
 * Hosts that no simulated service answers on fail like a DNS miss, so a misconfigured base URL
 * shows up instead of being served silently.
 */
export function createDirectFetch(host: SimHost): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request =
      lazyRequest(input, init) ?? (input instanceof Request && !init ? input : new Request(input, init));
    const { hostname } = new URL(request.url);
    if (!host.servesHost(hostname)) {
      throw networkError(`getaddrinfo ENOTFOUND ${hostname}`, "ENOTFOUND");
    }
    return deliver(await host.dispatch(request), toFetchClient, undefined);
  };
}

/**
 * A call with a URL and a text body (or none) as the host's IncomingRequest: headers read straight
 * from `init`, the body handed over as the string it is, the Fetch Request built only if a route
 * asks for it (a Request plus reading its stream back costs ~28 µs; a crawl sends ~17k writes).
 * Anything else (a Request, a stream or binary body) goes through `new Request`.
 */
function lazyRequest(input: RequestInfo | URL, init: RequestInit | undefined): IncomingRequest | undefined {
  if (input instanceof Request) return undefined;
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== "string") return undefined;
  const url = typeof input === "string" ? new URL(input).href : input.href;
  let headers: Map<string, string> | undefined;
  let request: Request | undefined;
  return {
    method: (init?.method ?? "GET").toUpperCase(),
    url,
    header(name) {
      headers ??= headerMap(init?.headers);
      return headers.get(name.toLowerCase()) ?? null;
    },
    text: () => Promise.resolve(body ?? ""),
    bodyText: () => body ?? "",
    headerList() {
      headers ??= headerMap(init?.headers);
      return [...headers];
    },
    toRequest() {
      request ??= new Request(url, init);
      return request;
    },
  };
}

/** `HeadersInit` by lower-case name, repeated names joined with ", " (as Headers.get does). */
function headerMap(init: HeadersInit | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!init) return map;
  const pairs = init instanceof Headers || Array.isArray(init) ? init : Object.entries(init);
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const prior = map.get(key);
    map.set(key, prior === undefined ? String(value) : `${prior}, ${value}`);
  }
  return map;
}

/**
 * What an in-process fetch caller sees (direct and msw transports): the Response, an errored body
 * stream for a truncated one (undici's `terminated`), the error undici throws for a drop.
 */
export const toFetchClient: Transport<undefined, Response> = {
  drop: () => {
    throw networkError("socket hang up", "ECONNRESET");
  },
  send: (_, answer) => answer.response,
  sendTruncated: (_, response, bytes, cut) => {
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
  },
};

function networkError(message: string, code: string): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError("fetch failed", { cause });
}
