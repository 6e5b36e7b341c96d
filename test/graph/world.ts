import type { DirectorySpec } from "../../src/simulators/directory/index.ts";
import type { GraphSettings } from "../../src/simulators/graph/store.ts";
import { testWorld } from "../support/world.ts";

export const CONNECTOR_APP = "11111111-1111-4111-8111-111111111111";
export const OTHER_APP = "22222222-2222-4222-8222-222222222222";
export const ALL_APP = "33333333-3333-4333-8333-333333333333";
export const SEARCH_APP = "44444444-4444-4444-8444-444444444444";

export const contoso: DirectorySpec = {
  tenant: "contoso.onmicrosoft.com",
  users: [
    { upn: "alice@contoso.onmicrosoft.com", displayName: "Alice Adams" },
    { upn: "bob@contoso.onmicrosoft.com", displayName: "Bob Brown" },
    { upn: "carol@contoso.onmicrosoft.com" },
    { upn: "gina_fabrikam.com#EXT#@contoso.onmicrosoft.com", mail: "gina@fabrikam.com", guest: true },
    { upn: "dave@contoso.onmicrosoft.com", enabled: false },
  ],
  groups: [
    { name: "Engineering", members: ["alice@contoso.onmicrosoft.com", "Eng Leads"] },
    { name: "Eng Leads", members: ["carol@contoso.onmicrosoft.com"] },
    { name: "Everyone Sales", members: ["bob@contoso.onmicrosoft.com"] },
  ],
  apps: [
    {
      clientId: CONNECTOR_APP,
      secret: "s3cret",
      roles: [
        "ExternalConnection.ReadWrite.OwnedBy",
        "ExternalItem.ReadWrite.OwnedBy",
        "User.Read.All",
        "Group.Read.All",
      ],
    },
    {
      clientId: OTHER_APP,
      secret: "other",
      roles: ["ExternalConnection.ReadWrite.OwnedBy", "ExternalItem.ReadWrite.OwnedBy"],
    },
    {
      clientId: ALL_APP,
      secret: "all",
      roles: ["ExternalConnection.ReadWrite.All", "ExternalItem.ReadWrite.All"],
    },
    { clientId: SEARCH_APP, secret: "search", roles: [], scopes: ["User.Read", "ExternalItem.Read.All"] },
  ],
};

export const G = "https://graph.microsoft.com/v1.0";
export const LOGIN = "https://login.microsoftonline.com";

export function makeWorld(options: GraphSettings = {}, spec: DirectorySpec = contoso) {
  const world = testWorld({ directory: spec, graph: options });
  const { clock, directory, graph: twin, host, fetch } = world;
  const tokens = new Map<string, string>();

  async function appToken(clientId = CONNECTOR_APP, secret?: string): Promise<string> {
    const key = `app:${clientId}`;
    if (!tokens.has(key)) {
      const app = directory.app(clientId)!;
      tokens.set(key, await twin.issuer.issueAppToken({ ...app, secret: secret ?? app.secret }));
    }
    return tokens.get(key)!;
  }
  async function userToken(upn: string, clientId = SEARCH_APP): Promise<string> {
    return twin.issuer.issueUserToken(directory.app(clientId)!, directory.user(upn)!);
  }
  /** JSON call with a bearer token; returns status, headers and parsed body. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
    headers: Record<string, string> = {},
  ) {
    const t = token === undefined ? await appToken() : token;
    const h: Record<string, string> = { ...headers };
    if (t) h.authorization = `Bearer ${t}`;
    if (body !== undefined) h["content-type"] = "application/json";
    const url = path.startsWith("http") ? path : `${G}${path}`;
    const res = await fetch(url, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies freely
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  /** Creates a connection and registers a schema, then advances the clock past provisioning. */
  async function readyConnection(id = "wiki", schema = defaultSchema, token?: string) {
    const c = await call(
      "POST",
      "/external/connections",
      { id, name: `Conn ${id}`, description: "test" },
      token,
    );
    if (c.status !== 201) throw new Error(`create failed ${c.status} ${c.text}`);
    const s = await call("PATCH", `/external/connections/${id}/schema`, schema, token);
    if (s.status !== 202) throw new Error(`schema failed ${s.status} ${s.text}`);
    clock.advance(twin.schemaProvisioningMs);
    return s.headers.get("location")!;
  }

  return { clock, directory, twin, host, fetch, appToken, userToken, call, readyConnection };
}

export const defaultSchema = {
  baseType: "microsoft.graph.externalItem",
  properties: [
    {
      name: "title",
      type: "String",
      isSearchable: "true",
      isQueryable: true,
      isRetrievable: true,
      labels: ["title"],
    },
    { name: "url", type: "string", isRetrievable: true, labels: ["url"] },
    { name: "spaceKey", type: "string", isQueryable: true, isRetrievable: true, isRefinable: true },
    { name: "tags", type: "stringCollection", isSearchable: true, isQueryable: true, isRetrievable: true },
    { name: "version", type: "int64", isQueryable: true, isRetrievable: true },
    { name: "score", type: "double", isRetrievable: true },
    {
      name: "lastModified",
      type: "dateTime",
      isQueryable: true,
      isRetrievable: true,
      isRefinable: true,
      labels: ["lastModifiedDateTime"],
    },
    { name: "archived", type: "boolean", isQueryable: true, isRetrievable: true },
    { name: "secret", type: "string", isSearchable: true, isRetrievable: false },
  ],
};

export function item(title: string, acl: unknown[], extra: Record<string, unknown> = {}) {
  return {
    acl,
    properties: { title, url: `https://acme.atlassian.net/wiki/${encodeURIComponent(title)}`, ...extra },
    content: { type: "text", value: `${title} body text` },
  };
}
