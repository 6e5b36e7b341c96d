import fc from "fast-check";
import { defaultSchema } from "../graph/world.ts";
import { mutatedBasic, mutatedJwt, mutatedOpaque } from "./mutations.ts";
import { type Credentials, FUZZ_ITEM, KNOWN, type Target } from "./world.ts";

/** One request the fuzzer sends, with what it knows about its credentials. */
export interface FuzzRequest {
  target: Target;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The credentials are a mutation of valid ones: a 2xx answer would be an accepted forgery. */
  forged: boolean;
  /** How the credentials were mutated (for the report). */
  how?: string;
  /** Sent over real http to the listener, the path as-is (no dot-segment normalisation by a client). */
  overHttp?: boolean;
}

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"];

/** Values that broke parsers before, or could: encodings, traversal, huge and empty. */
const NASTY = [
  "",
  " ",
  "..",
  "%2e%2e",
  "%2E%2E",
  "%",
  "%zz",
  "%00",
  "%2F",
  "a/b",
  "-1",
  "0",
  "1e400",
  "99999999999999999999999",
  "NaN",
  "null",
  "__proto__",
  "constructor",
  "x".repeat(5000),
  "\u0000",
  "😀",
  "'",
  '"',
  "(",
  ")",
  "*",
  "a,b,,c",
  "true",
];

const UP = Array(8).fill("..").join("/");
const ADMIN_TRAVERSALS = [
  `${UP}/_sim/state`,
  `${UP}/_sim/clock`,
  `${UP.replaceAll("..", "%2e%2e")}/_sim/requests`,
  `${UP.replaceAll("/", "\\")}\\_sim\\state`,
];

const KNOWN_PARAMS: Record<string, string[]> = {
  id: [KNOWN.page, "98305", "1002", "2001"],
  spaceKey: [KNOWN.space, "PUB"],
  connectionId: [KNOWN.connection],
  itemId: [KNOWN.item],
  groupId: [KNOWN.group],
  memberId: ["x"],
  operationId: ["1.neu.x.y"],
  operationKey: ["read", "update"],
  type: ["page", "blogpost", "comment", "attachment"],
  user: ["alice@contoso.com"],
  group: ["Engineering"],
  tenant: ["contoso.com", "common", "organizations"],
};

const QUERY_NAMES = [
  "cql",
  "cqlcontext",
  "limit",
  "start",
  "cursor",
  "expand",
  "keys",
  "ids",
  "id",
  "status",
  "sort",
  "body-format",
  "space-id",
  "title",
  "depth",
  "accountId",
  "groupId",
  "key",
  "$filter",
  "$select",
  "$top",
  "$skiptoken",
  "$count",
  "client-request-id",
  "api-version",
  "scope",
  "response_type",
  "client_id",
  "redirect_uri",
];

/** Text a client can send in a header: bytes up to 0xFF, no CR, LF or NUL. */
const sendable = (s: string) => s.replace(/[\r\n\0\u0100-\uffff]/g, "?");

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
);

/** A path parameter: a known id now and then, else nasty text, percent-encoded or raw. */
function paramValue(name: string): fc.Arbitrary<string> {
  const known = KNOWN_PARAMS[name] ?? [];
  return fc.oneof(
    { weight: known.length > 0 ? 4 : 0, arbitrary: fc.constantFrom(...(known.length > 0 ? known : ["x"])) },
    { weight: 3, arbitrary: text.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom("..", "%2e%2e", "%2F", "%", "%zz", ".", "%2e") },
    // Traversals that would land on the admin API once normalised (the host must refuse them).
    { weight: 1, arbitrary: fc.constantFrom(...ADMIN_TRAVERSALS) },
  );
}

/** The route's concrete path: `:name` params filled, `**` replaced by random segments. */
function concretePath(target: Target): fc.Arbitrary<string> {
  const segments = target.path.split("/").map((seg) => {
    if (seg.startsWith(":")) return paramValue(seg.slice(1));
    if (seg === "**" || seg === "*")
      return fc.array(paramValue("any"), { maxLength: 3 }).map((a) => a.join("/"));
    return fc.constant(seg);
  });
  return fc.tuple(...segments).map((parts) => parts.join("/"));
}

const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), text), {
    maxLength: 4,
  })
  .map((pairs) =>
    pairs.length === 0
      ? ""
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`,
  );

/** Bodies shaped like what the route expects, then damaged at one spot. */
const TEMPLATES: unknown[] = [
  { id: "conn2", name: "n", description: "d" },
  defaultSchema,
  FUZZ_ITEM,
  { id: "g2", displayName: "g" },
  { id: "00000000-0000-0000-0000-000000000000", type: "user" },
  { requests: [{ entityTypes: ["externalItem"], query: { queryString: "zebra" }, from: 0, size: 5 }] },
  { requests: [{ id: "1", method: "GET", url: "/external/connections" }] },
  { accountIds: ["x"] },
  { subject: { type: "user", identifier: "x" }, operation: "read" },
  {
    activities: [{ "@odata.type": "#microsoft.graph.externalConnectors.externalActivity", type: "created" }],
  },
];

function damaged(template: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(template, []);
  return fc
    .record({ at: fc.constantFrom(...paths), value: fc.jsonValue({ maxDepth: 3 }) })
    .map(({ at, value }) => replaceAt(template, at, value));
}

function replaceAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[path[0]] = replaceAt(copy[path[0]], path.slice(1), value);
  return copy;
}

/** Nesting `n` deep in JSON: arrays, objects or both. */
export function deepJson(n: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(n)}${"]".repeat(n)}` : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
}

const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...TEMPLATES)
      .chain(damaged)
      .map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom<"array" | "object">("array", "object"))
      .map(([n, kind]) => deepJson(n, kind)),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(
        fc.constantFrom("grant_type", "client_id", "client_secret", "scope", "username", "password", "code"),
        text,
      )
      .map((form) => new URLSearchParams(form).toString()),
  },
);

interface Authorization {
  header?: string;
  forged: boolean;
  how?: string;
}

/** Valid, mutated, garbage or missing credentials for the target's service. */
function authorization(target: Target, creds: Credentials): fc.Arbitrary<Authorization> {
  const valid = (header: string): fc.Arbitrary<Authorization> => fc.constant({ header, forged: false });
  const forged = (m: fc.Arbitrary<{ header: string; changed: boolean; how: string }>) =>
    m.map((x) => ({ header: x.header, forged: x.changed, how: x.how }));
  const garbage = fc
    .oneof(
      text.map(sendable),
      text.map((t) => `Bearer ${sendable(t)}`),
      text.map((t) => `Basic ${Buffer.from(t).toString("base64")}`),
    )
    .map((header) => ({ header, forged: false }));
  const none = fc.constant<Authorization>({ forged: false });
  const bearerApp = `Bearer ${creds.graphApp}`;
  const bearerUser = `Bearer ${creds.graphUser}`;
  if (target.service === "graph") {
    return fc.oneof(
      valid(bearerApp),
      valid(bearerUser),
      forged(mutatedJwt(bearerApp, bearerUser)),
      forged(mutatedJwt(bearerUser, bearerApp)),
      garbage,
      none,
    );
  }
  if (target.service === "confluence") {
    return fc.oneof(
      valid(creds.confluenceBasic),
      valid(creds.confluenceOAuth),
      forged(mutatedBasic(creds.confluenceBasic)),
      forged(mutatedOpaque(creds.confluenceOAuth)),
      garbage,
      none,
    );
  }
  return fc.oneof(garbage, none);
}

/** Only header values fetch accepts (no CR/LF/NUL); the transport never sees the others. */
const headerValue = fc.string({ maxLength: 30 }).map((s) => sendable(s).trim());

/** A random request to a random route of either twin. */
export function fuzzRequest(targets: Target[], creds: Credentials): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...targets).chain((target) =>
    fc
      .record({
        method: fc.oneof(
          { weight: 5, arbitrary: fc.constant(target.method === "*" ? "GET" : target.method) },
          { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
        ),
        path: concretePath(target),
        query,
        auth: authorization(target, creds),
        contentType: fc.constantFrom(
          "application/json",
          "application/x-www-form-urlencoded",
          "text/plain",
          "",
        ),
        extra: fc.option(
          fc.tuple(fc.constantFrom("client-request-id", "accept", "prefer", "x-junk", "origin"), headerValue),
        ),
        body,
        // One in five over real http: the raw path reaches the host, dot segments and all.
        overHttp: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      })
      .map(({ method, path, query: q, auth, contentType, extra, body: b, overHttp }) => {
        const headers: Record<string, string> = {};
        if (auth.header !== undefined) headers.authorization = auth.header;
        if (contentType) headers["content-type"] = contentType;
        if (extra) headers[extra[0]] = extra[1];
        const hasBody = b !== undefined && method !== "GET" && method !== "HEAD";
        return {
          target,
          method,
          url: `${target.origin}${path}${q}`,
          headers,
          body: hasBody ? b : undefined,
          forged: auth.forged,
          how: auth.how,
          overHttp,
        };
      }),
  );
}
