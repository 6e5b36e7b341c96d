import { BodyTooLargeError } from "../../util/stream-text.ts";
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
    const { hostname } = request instanceof Request ? new URL(request.url) : request.parsedUrl!;
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
  // Parsed once here; the host routes on the same URL object (a copy, so the caller's stays theirs).
  const parsedUrl = new URL(input);
  const url = parsedUrl.href;
  assertSendable(init?.method ?? "GET", body, init?.headers);
  let headers: Map<string, string> | undefined;
  let request: Request | undefined;
  return {
    method: (init?.method ?? "GET").toUpperCase(),
    url,
    parsedUrl,
    header(name) {
      headers ??= headerMap(init?.headers);
      return headers.get(name.toLowerCase()) ?? null;
    },
    text: (maxBytes = Number.POSITIVE_INFINITY) =>
      byteLength(body ?? "", maxBytes) > maxBytes
        ? Promise.reject(new BodyTooLargeError(maxBytes))
        : Promise.resolve(body ?? ""),
    bodyText: () => body ?? "",
    headerList() {
      headers ??= headerMap(init?.headers);
      return [...headers];
    },
    toRequest(maxBytes = Number.POSITIVE_INFINITY) {
      if (byteLength(body ?? "", maxBytes) > maxBytes) throw new BodyTooLargeError(maxBytes);
      request ??= new Request(url, init);
      return request;
    },
  };
}

/** UTF-8 size of a string body, counted only when it could pass `limit` (at most 3 bytes a code unit). */
function byteLength(text: string, limit: number): number {
  return text.length * 3 > limit ? Buffer.byteLength(text) : text.length;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value fetch sends: bytes (no code point over 0xFF), no NUL, CR or LF. */
const BYTE_STRING = /^[^\0\r\n\u0100-\uffff]*$/;

const FORBIDDEN_METHODS = /^(connect|trace|track)$/i;

/**
 * Refuses with fetch's own TypeErrors what fetch refuses to send: a method that is not a token or
 * is forbidden (TRACE, CONNECT, TRACK), a body on GET/HEAD, a header name that is not a token, a
 * value with CR/LF/NUL or characters beyond 0xFF. The lazy path builds no Request, and such a
 * request would otherwise only fail inside a route that builds one.
 */
function assertSendable(
  method: string,
  body: string | null | undefined,
  init: HeadersInit | undefined,
): void {
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  if (FORBIDDEN_METHODS.test(method)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  if (body !== undefined && body !== null && /^(get|head)$/i.test(method)) {
    throw new TypeError("Request with GET/HEAD method cannot have body.");
  }
  if (!init || init instanceof Headers) return;
  for (const [name, value] of Array.isArray(init) ? init : Object.entries(init)) {
    if (!TOKEN.test(name)) throw new TypeError(`Headers.append: "${name}" is an invalid header name.`);
    if (!BYTE_STRING.test(String(value))) {
      throw new TypeError(`Headers.append: "${String(value)}" is an invalid header value.`);
    }
  }
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
