import { type IncomingRequest, json } from "./types.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface AdminGuardOptions {
  /**
   * When set, admin requests must send `Authorization: Bearer <token>` or `x-cgsim-admin-token:
   * <token>` (`cgsim serve --admin-token`); the inspector's own files (`GET /_sim/ui…`) need none.
   */
  token?: string;
  /** True for a host name a twin answers on: the admin API is never served there. */
  isTwinHost(hostname: string): boolean;
}

/**
 * Who may use the admin API (`/_sim/…`), which can reset the world under the code being tested:
 *
 * - never on a twin's host (`graph.microsoft.com/_sim/reset` is Graph's own 404, whatever a client
 *   normalised it from): "twin-host", route it like any other request;
 * - only under the listener's own name: a loopback host (and the listener's port, over http), so
 *   a page whose DNS name was rebound to 127.0.0.1 (`Host: evil.example`) is refused;
 * - never from a foreign `Origin` (a page posting blind to `http://127.0.0.1:port/_sim/reset`);
 * - with the admin token, when one is configured (the inspector page's files excepted: a browser
 *   cannot send a header when it opens an address; the page then sends the token itself).
 *
 * Returns undefined when the request may proceed, else the refusal (the admin API's own `{error}`).
 */
export function adminAccess(
  request: IncomingRequest,
  url: URL,
  options: AdminGuardOptions,
): Response | "twin-host" | undefined {
  const host = parseHost(request.header("host") ?? url.host);
  if (!host) return refuse(400, "the Host header is not a host name");
  if (options.isTwinHost(host.name)) return "twin-host";
  const port = request.listener?.port;
  if (!LOOPBACK.has(host.name) || !samePort(host.port, port)) {
    return refuse(403, `admin requests must be addressed to this listener (Host ${listenerHosts(port)})`);
  }
  const origin = request.header("origin");
  if (origin !== null && !isListenerOrigin(origin, port)) {
    return refuse(403, `admin requests from another origin (${origin}) are refused`);
  }
  if (options.token !== undefined && !hasToken(request, options.token) && !isInspectorPage(request, url)) {
    return refuse(401, `admin requests need Authorization: Bearer <admin token> (or ${TOKEN_HEADER})`, {
      "www-authenticate": 'Bearer realm="cgsim admin"',
    });
  }
  return undefined;
}

/** The header the inspector page sends its token in (docs/inspector.md). */
export const TOKEN_HEADER = "x-cgsim-admin-token";

function hasToken(request: IncomingRequest, token: string): boolean {
  return request.header("authorization") === `Bearer ${token}` || request.header(TOKEN_HEADER) === token;
}

/** The inspector's static files: they carry no data. */
function isInspectorPage(request: IncomingRequest, url: URL): boolean {
  return request.method.toUpperCase() === "GET" && /^\/_sim\/ui(\/|$)/.test(url.pathname);
}

function parseHost(value: string): { name: string; port: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  return m ? { name: m[1].toLowerCase(), port: m[2] ?? "" } : undefined;
}

function isListenerOrigin(origin: string, port: number | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) included
  }
  if (!/^https?:$/.test(parsed.protocol) || !LOOPBACK.has(parsed.hostname)) return false;
  return samePort(parsed.port, port);
}

/** A Host or Origin port ("" when the scheme's default) against the listener's (unknown in-process). */
function samePort(named: string, listener: number | undefined): boolean {
  if (listener === undefined) return true;
  return named === String(listener) || (named === "" && (listener === 80 || listener === 443));
}

function listenerHosts(port: number | undefined): string {
  const suffix = port === undefined ? "" : `:${port}`;
  return [...LOOPBACK].map((h) => `${h}${suffix}`).join(", ");
}

function refuse(status: number, error: string, headers: Record<string, string> = {}): Response {
  return json({ error }, status, headers);
}
