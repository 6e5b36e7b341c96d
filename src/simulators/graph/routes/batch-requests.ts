import { hasDotSegment } from "../../host/paths.ts";
import { badRequest } from "../errors.ts";
import { asObject } from "./common.ts";

/** One sub-request of a `$batch`, checked: a method Graph batches, a path under a version, clean headers. */
export interface BatchRequest {
  id: string;
  method: string;
  /** Path and query under the version root, resolved: `/v1.0/external/connections?…`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

export const MAX_BATCH_REQUESTS = 20;

/** Methods a batch may carry (JSON batching lists no others; HEAD, TRACE, CONNECT … are refused). */
const BATCH_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value a client can send: bytes up to 0xFF, no CR, LF or NUL. */
const HEADER_VALUE = /^[^\0\r\n\u0100-\uffff]*$/;

/**
 * The `requests` of a `$batch` body. Anything malformed is Graph's whole-batch 400 "Invalid batch
 * payload format" (observed for a sub-request URL it cannot place,
 * https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/8576): a method Graph does
 * not batch (HEAD, TRACE, CONNECT, a bad token), headers that are not an object of valid names and
 * values, and a URL that is absolute, has dot segments, control characters or a backslash, or would
 * resolve outside `/v1.0` and `/beta` (or to `$batch` itself). A GET or DELETE body is dropped.
 */
export function parseBatchRequests(body: Record<string, unknown>, version: string): BatchRequest[] {
  const raw = body.requests;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid("requests must be a non-empty array");
  if (raw.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `Invalid batch payload format. The number of requests in a batch is limited to ${MAX_BATCH_REQUESTS}.`,
    );
  }
  const ids = new Set<string>();
  return raw.map((r, i) => {
    const o = asObject(r);
    const id = typeof o.id === "number" ? String(o.id) : o.id;
    if (typeof id !== "string" || id.length === 0) throw invalid(`requests[${i}].id is required`);
    if (ids.has(id)) throw invalid(`duplicate request id '${id}'`);
    ids.add(id);
    if (typeof o.method !== "string" || typeof o.url !== "string")
      throw invalid(`request '${id}' needs method and url`);
    const method = o.method.toUpperCase();
    if (!BATCH_METHODS.has(method))
      throw invalid(`request '${id}' has method '${o.method}'; use GET, POST, PUT, PATCH or DELETE`);
    const dependsOn = o.dependsOn === undefined ? [] : o.dependsOn;
    if (!Array.isArray(dependsOn)) throw invalid(`request '${id}' dependsOn must be an array`);
    for (const d of dependsOn)
      if (!raw.some((x) => String((x as { id?: unknown })?.id) === String(d)))
        throw badRequest(`Request '${id}' depends on unknown request '${String(d)}'.`);
    return {
      id,
      method,
      path: resolvePath(id, o.url, version),
      headers: checkHeaders(id, o.headers),
      body: o.body,
      dependsOn: dependsOn.map(String),
    };
  });
}

/** The sub-request URL under its version root; it can never leave `/v1.0` or `/beta`. */
function resolvePath(id: string, url: string, version: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//"))
    throw invalid(`request '${id}' url must be relative`);
  // URL parsers drop tabs and newlines, which would hide what the path really is.
  if (hasControlCharacter(url) || hasDotSegment(url)) {
    throw invalid(
      `request '${id}' url must be a plain path under /${version} (no dot segments or control characters)`,
    );
  }
  const path = url.startsWith("/") ? url : `/${url}`;
  // The JS SDK's BatchRequestContent strips only the host, sending `/v1.0/...`; accept a leading
  // version segment as naming the version (inferred leniency).
  const resolved = /^\/(v1\.0|beta)(\/|$|\?)/.test(path) ? path : `/${version}${path}`;
  if (/^\/(v1\.0|beta)\/\$batch(\/|$|\?)/i.test(resolved))
    throw invalid(`request '${id}' cannot be a batch itself`);
  return resolved;
}

function checkHeaders(id: string, headers: unknown): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== "object" || Array.isArray(headers))
    throw invalid(`request '${id}' headers must be an object`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw invalid(`request '${id}' has an invalid header name '${name}'`);
    if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
      throw invalid(`request '${id}' header '${name}' must be a string without line breaks`);
    }
    out[name] = value;
  }
  return out;
}

function invalid(detail: string) {
  return badRequest(`Invalid batch payload format: ${detail}.`);
}

/** C0 controls and DEL (written as a test, not a regex: the linter refuses control characters in one). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
