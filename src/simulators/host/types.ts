import type { SimClock } from "./clock.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

/**
 * A request as a transport hands it to the host. The host itself reads only the method, URL and a
 * header or two; the Fetch `Request` is built the first time a handler asks for `ctx.request`,
 * so an http request answered from the response cache never builds one.
 */
export interface IncomingRequest {
  method: string;
  url: string;
  /** `url` already parsed, when the transport had to parse it anyway (the host then does not parse it again). */
  parsedUrl?: URL;
  /** One header's value (lower-case name), or null. */
  header(name: string): string | null;
  /**
   * The body as UTF-8 text ("" when there is none), read once; rejects with BodyTooLargeError as
   * soon as it passes `maxBytes` (nothing beyond is buffered).
   */
  text(maxBytes?: number): Promise<string>;
  /** The Fetch Request; its body stream errors with BodyTooLargeError past `maxBytes`. */
  toRequest(maxBytes?: number): Request;
  /** Every header as `[lower-case name, value]`, for the journal's exchange record. */
  headerList?(): [string, string][];
  /**
   * The body as text when the transport still holds it (without reading a stream a route may
   * read), for the journal's exchange record; undefined when it cannot tell.
   */
  bodyText?(): string | Promise<string> | undefined;
  /**
   * The request target exactly as it came off the wire, before URL parsing normalised its dot
   * segments (the http transport; in-process clients have normalised it already).
   */
  rawTarget?: string;
  /** The listener that accepted the request (the http transport): the admin API checks Host against it. */
  listener?: { port: number };
}

/**
 * What a route handler receives. Handlers see Fetch API objects only: no express, no msw.
 * `header`, `note` and `dispatch` are methods: call them on the context (`ctx.note(…)`); their
 * `this` type makes a detached call (`const { note } = ctx`) a compile error.
 */
export interface RouteContext {
  /**
   * The Fetch Request, built on first use. Read the body either through `text()` or through
   * `request`, not both (on some transports they share one stream).
   */
  request: Request;
  /** The request's method, upper case. */
  method: string;
  /** A request header without building `request` (cheaper on the http and direct transports). */
  header(this: object, name: string): string | null;
  /** The request body as UTF-8 text, read once ("" when none), without building `request`. */
  text(this: object): Promise<string>;
  /** This request's journal sequence number: unique per host, the same in every run (ids, traces). */
  seq: number;
  url: URL;
  /** Path parameters from the route pattern (`/pages/:id` → `{ id }`). */
  params: Record<string, string>;
  query: URLSearchParams;
  clock: SimClock;
  /** Attach a debugging note to this request's journal entry (e.g. why a CQL query was rejected). */
  note(this: object, text: string): void;
  /**
   * Sends a request the service makes on the caller's behalf (a `$batch` sub-request) through the
   * host's whole dispatch path: its own journal entry, the fault plan, the route. Set by the host.
   */
  dispatch?(this: object, request: Request): Promise<DispatchResult>;
}

/** What a transport does with a request: send this response (maybe cut short) or drop the connection. */
export type DispatchResult =
  | {
      kind: "response";
      response: Response;
      /** Set when the answer came from the response cache; `response` is then built only on demand. */
      replay?: Replay;
      truncateAt?: number;
      latencyMs?: number;
    }
  | { kind: "drop"; latencyMs?: number };

/** A response kept by the host's response cache: enough to send it again byte for byte. */
export interface StoredResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  /** Journal notes the route wrote when it answered; replayed into every later entry. */
  notes: string[];
  /** What the http transport writes, made on its first replay: body bytes and flat header list. */
  wire?: { bytes: Buffer; headers: string[] };
}

/** A cached answer plus the headers that must differ per response (request ids). */
export interface Replay {
  stored: StoredResponse;
  fresh: Record<string, string>;
}

/**
 * How a service lets the host replay its answers. An answer may be replayed only while `version()`
 * is unchanged and only for the same `key`; together they must name everything the answer depends
 * on (state, switches, clock, credentials, URL).
 */
export interface ResponseCachePolicy {
  /** Changes whenever anything any answer depends on changes. */
  version(): string;
  /** Key of a request whose answer is a pure function of (version, key); undefined: never cached. */
  key(ctx: RouteContext, route: Route): string | undefined;
  /** Headers that differ per response (request ids), set on every replayed answer. */
  fresh?(): Record<string, string>;
}

export type Handler = (ctx: RouteContext) => Response | Promise<Response>;

/** One operation of a real service, named after its documented operation id. */
export interface Route {
  method: HttpMethod | "*";
  /** rou3 pattern, path only so it matches any origin: `/wiki/api/v2/pages/:id`, `/wiki/rest/api/**`. */
  path: string;
  operationId: string;
  handler: Handler;
}

/**
 * A simulated service: a route table plus how it renders the errors the host produces for it.
 * Adding a service means writing one of these (see src/simulators/confluence/service.ts).
 */
export interface Service {
  /** Short name used in the journal, fault rules and the admin API: "confluence", "graph", … */
  name: string;
  /** The real hosts this service answers on (`*.atlassian.net`); msw intercepts exactly these. */
  hosts: string[];
  /** Path prefixes owned by this service, used to pick who renders a 404/405 for unmatched paths. */
  prefixes: string[];
  routes: Route[];
  /** Body for a path under one of `prefixes` that no route matches. */
  notFound(ctx: RouteContext): Response;
  /** Body for a known path called with the wrong method. */
  methodNotAllowed?(ctx: RouteContext): Response;
  /**
   * Largest request body this service reads (bytes; default DEFAULT_MAX_BODY_BYTES). A larger
   * declared `content-length` is refused before the route runs; a larger body without one stops
   * being read at the limit.
   */
  maxBodyBytes?: number;
  /** The 413 for a body over `maxBodyBytes`, in the service's own shape. */
  tooLarge?(ctx: RouteContext, limit: number): Response;
  /** Body for a handler that threw: the service's own 500 shape, never a stack trace. */
  internalError(ctx: RouteContext, error: unknown): Response;
  /** Body the host sends when the fault plan injects `status` for this service. */
  faultResponse?(status: number, retryAfterSeconds: number | undefined, ctx: RouteContext): Response;
  /** Replaying answers from the host's response cache (omit: every request runs its route). */
  cache?: ResponseCachePolicy;
}

/** Where a twin registers its endpoints under `/_sim/` (the host: never journaled, never faulted). */
export interface AdminRegistry {
  admin(method: HttpMethod, path: string, handler: Handler): void;
}

/**
 * One twin as the host mounts it (as Miniflare mounts a plugin or moto a service): its services,
 * its admin endpoints, its state for `GET /_sim/state` and its reset for `POST /_sim/reset`.
 * `SimHost.install` takes all four at once, so wherever a twin is served its admin API is too.
 */
export interface TwinPlugin {
  /** The twin's services; `/_sim/state` shows `snapshot()` under the first one's name. */
  services: Service[];
  /** Registers the twin's `/_sim/<twin>/…` endpoints. */
  installAdmin(host: AdminRegistry): void;
  snapshot(): unknown;
  /** Back to the state the twin was created with. */
  reset(): void;
}

/**
 * Bodies of responses built here, kept so the http transport can write them without reading the
 * Response stream back (that read costs more than building the answer; see bench/confluence-http.ts).
 */
const serializedBodies = new WeakMap<Response, string>();

/** The text a response was built from, when it came from `json()` or `text()` and is unread. */
export function serializedBody(response: Response): string | undefined {
  return response.bodyUsed ? undefined : serializedBodies.get(response);
}

/** JSON response with the content type every real API uses. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return text(JSON.stringify(body), "application/json; charset=utf-8", status, headers);
}

/** A text response (XML, HTML, plain) with its content type. */
export function text(body: string, contentType: string, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", contentType);
  const response = new Response(body, { status, headers: h });
  serializedBodies.set(response, body);
  return response;
}

/** A body-less answer (204, 202 …). */
export function empty(status = 204, headers: HeadersInit = {}): Response {
  return new Response(null, { status, headers });
}
