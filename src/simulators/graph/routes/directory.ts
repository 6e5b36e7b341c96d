import type { DirectoryGroup, DirectoryUser } from "../../directory/model.ts";
import type { Directory } from "../../directory/store.ts";
import type { TokenIssuer } from "../../directory/tokens.ts";
import type { Route, RouteContext } from "../../host/types.ts";
import { PERMS, requireDirectoryPermission } from "../auth.ts";
import { GraphError, graphJson, odataContext } from "../errors.ts";
import { graphRoutes } from "./common.ts";

/**
 * The Graph directory routes a connector needs to turn an email or UPN into an object id:
 * `/users/{id|upn}`, `/users?$filter=` (eq / in on userPrincipalName, mail, id), `$select`,
 * `/groups/{id}`, `/groups/{id}/members`, `/groups/{id}/transitiveMembers`, and `/me`.
 */

const DEFAULT_USER_FIELDS = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];
const DEFAULT_GROUP_FIELDS = [
  "id",
  "displayName",
  "description",
  "mail",
  "mailEnabled",
  "mailNickname",
  "securityEnabled",
  "groupTypes",
];

function userResource(u: DirectoryUser): Record<string, unknown> {
  const [given, ...rest] = u.displayName.split(" ");
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: given ?? null,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.join(" ") || null,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
    userType: u.userType,
    accountEnabled: u.accountEnabled,
  };
}

function groupResource(g: DirectoryGroup): Record<string, unknown> {
  return {
    id: g.id,
    displayName: g.displayName,
    description: null,
    mail: g.mail,
    mailEnabled: false,
    mailNickname: g.mailNickname,
    securityEnabled: g.securityEnabled,
    groupTypes: [],
  };
}

function select(
  ctx: RouteContext,
  resource: Record<string, unknown>,
  defaults: string[],
): Record<string, unknown> {
  const sel = ctx.query.get("$select");
  const fields = sel
    ? sel
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : defaults;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = Object.keys(resource).find((k) => k.toLowerCase() === f.toLowerCase());
    if (key) out[key] = resource[key];
  }
  return out;
}

function notFound(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function unsupported(message: string): GraphError {
  return new GraphError(400, "Request_UnsupportedQuery", message);
}

/** Longest `$filter` text the twin parses (ours; 15 clauses of 15 quoted UPNs fit well within it). */
export const MAX_FILTER_LENGTH = 8192;
/** Most `or` clauses in one `$filter`: Graph refuses more than 15 in directory queries. */
export const MAX_FILTER_CLAUSES = 15;

/** `$filter` subset: `prop eq 'v'`, `prop in ('a','b')`, joined by `or`; props userPrincipalName, mail, id, displayName. */
export function parseUserFilter(filter: string): (u: DirectoryUser) => boolean {
  if (filter.length > MAX_FILTER_LENGTH) {
    throw unsupported(`The $filter expression is longer than ${MAX_FILTER_LENGTH} characters.`);
  }
  const clauses = filter.split(/\s+or\s+/i);
  if (clauses.length > MAX_FILTER_CLAUSES) {
    throw unsupported(
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${clauses.length}. Max allowed: ${MAX_FILTER_CLAUSES}.`,
    );
  }
  const tests = clauses.map((c) => {
    // Trimmed first: a lazy group before `\s*$` would backtrack over long runs of spaces.
    const m = /^(\w+)\s+(eq|in)\s+(.+)$/i.exec(c.trim());
    if (!m) throw unsupported(`Unsupported or invalid query filter clause specified: '${c.trim()}'.`);
    const prop = m[1];
    const field = ["userPrincipalName", "mail", "id", "displayName"].find(
      (p) => p.toLowerCase() === prop.toLowerCase(),
    );
    if (!field)
      throw unsupported(
        `Unsupported or invalid query filter clause specified for property '${prop}' of resource 'User'.`,
      );
    let values: string[];
    if (m[2].toLowerCase() === "eq") {
      const v = /^'((?:[^']|'')*)'$/.exec(m[3]);
      if (!v) throw unsupported(`Invalid filter clause: the value of '${prop}' must be a quoted string.`);
      values = [v[1].replace(/''/g, "'")];
    } else {
      const list = /^\((.*)\)$/.exec(m[3]);
      if (!list) throw unsupported(`Invalid filter clause: 'in' needs a parenthesised list.`);
      values = [...list[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"));
      if (values.length > 15) throw unsupported("Too many values in the 'in' operator (the limit is 15).");
    }
    const wanted = new Set(values.map((v) => v.toLowerCase()));
    return (u: DirectoryUser) => {
      const actual = (u as unknown as Record<string, unknown>)[field];
      return typeof actual === "string" && wanted.has(actual.toLowerCase());
    };
  });
  return (u) => tests.some((t) => t(u));
}

/**
 * `$top` (1–999, default 100) and `@odata.nextLink` with an opaque `$skiptoken`, on the caller's
 * origin, keeping the other query options — the shape Graph pages directory collections in.
 */
function paginate<T>(ctx: RouteContext, all: T[]): { items: T[]; nextLink: Record<string, string> } {
  const raw = ctx.query.get("$top");
  const top = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw new GraphError(
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`,
    );
  }
  const token = ctx.query.get("$skiptoken");
  let offset = 0;
  if (token !== null) {
    const decoded = Number(
      Buffer.from(token, "base64url")
        .toString()
        .replace(/^cgsim:/, ""),
    );
    if (!Number.isInteger(decoded) || decoded < 0)
      throw new GraphError(
        400,
        "Request_BadRequest",
        "The specified page token value has expired or is invalid.",
      );
    offset = decoded;
  }
  const items = all.slice(offset, offset + top);
  if (offset + top >= all.length) return { items, nextLink: {} };
  // Keep the caller's query text as sent (Graph writes `$skiptoken=`, not `%24skiptoken=`).
  const kept = ctx.url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p && !/^(\$|%24)skiptoken=/i.test(p));
  kept.push(`$skiptoken=${Buffer.from(`cgsim:${offset + top}`).toString("base64url")}`);
  return { items, nextLink: { "@odata.nextLink": `${ctx.url.origin}${ctx.url.pathname}?${kept.join("&")}` } };
}

export function directoryRoutes(directory: Directory, issuer: TokenIssuer): Route[] {
  const userCtx = (ctx: RouteContext, single: boolean) => {
    const sel = ctx.query.get("$select");
    return odataContext(ctx, `users${sel ? `(${sel})` : ""}${single ? "/$entity" : ""}`);
  };
  return [
    ...graphRoutes(issuer, "GET", "/users", "users.list", (ctx, caller) => {
      requireDirectoryPermission(caller, [...PERMS.userRead]);
      const filter = ctx.query.get("$filter");
      const test = filter ? parseUserFilter(filter) : () => true;
      const users = [...directory.users.values()].filter(test);
      const page = paginate(ctx, users);
      const value = page.items.map((u) => select(ctx, userResource(u), DEFAULT_USER_FIELDS));
      return graphJson(ctx, { "@odata.context": userCtx(ctx, false), ...page.nextLink, value });
    }),
    ...graphRoutes(issuer, "GET", "/users/:user", "users.get", (ctx, caller) => {
      requireDirectoryPermission(caller, [...PERMS.userRead]);
      const u = directory.user(ctx.params.user);
      if (!u) throw notFound(ctx.params.user);
      return graphJson(ctx, {
        "@odata.context": userCtx(ctx, true),
        ...select(ctx, userResource(u), DEFAULT_USER_FIELDS),
      });
    }),
    ...graphRoutes(issuer, "GET", "/me", "me.get", (ctx, caller) => {
      if (caller.kind !== "user") {
        throw new GraphError(
          400,
          "BadRequest",
          "/me request is only valid with delegated authentication flow.",
        );
      }
      const u = directory.user(caller.userId);
      if (!u) throw notFound(caller.userId);
      return graphJson(ctx, {
        "@odata.context": userCtx(ctx, true),
        ...select(ctx, userResource(u), DEFAULT_USER_FIELDS),
      });
    }),
    ...graphRoutes(issuer, "GET", "/groups/:group", "groups.get", (ctx, caller) => {
      requireDirectoryPermission(caller, [...PERMS.groupRead]);
      const g = directory.groups.get(ctx.params.group.toLowerCase());
      if (!g) throw notFound(ctx.params.group);
      return graphJson(ctx, {
        "@odata.context": odataContext(ctx, "groups/$entity"),
        ...select(ctx, groupResource(g), DEFAULT_GROUP_FIELDS),
      });
    }),
    ...(["members", "transitiveMembers"] as const).flatMap((kind) =>
      graphRoutes(issuer, "GET", `/groups/:group/${kind}`, `groups.${kind}`, (ctx, caller) => {
        requireDirectoryPermission(caller, [...PERMS.groupRead]);
        const g = directory.groups.get(ctx.params.group.toLowerCase());
        if (!g) throw notFound(ctx.params.group);
        let users: DirectoryUser[];
        let groups: DirectoryGroup[];
        if (kind === "transitiveMembers") ({ users, groups } = directory.transitiveMembers(g.id));
        else {
          users = g.members
            .filter((m) => m.type === "user")
            .map((m) => directory.users.get(m.id))
            .filter((u): u is DirectoryUser => !!u);
          groups = g.members
            .filter((m) => m.type === "group")
            .map((m) => directory.groups.get(m.id))
            .filter((x): x is DirectoryGroup => !!x);
        }
        const value = [
          ...users.map((u) => ({
            "@odata.type": "#microsoft.graph.user",
            ...select(ctx, userResource(u), DEFAULT_USER_FIELDS),
          })),
          ...groups.map((x) => ({
            "@odata.type": "#microsoft.graph.group",
            ...select(ctx, groupResource(x), DEFAULT_GROUP_FIELDS),
          })),
        ];
        return graphJson(ctx, { "@odata.context": odataContext(ctx, "directoryObjects"), value });
      }),
    ),
  ];
}
