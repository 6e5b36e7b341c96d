import { type CaptureHttp, forEachConcurrent } from "../http.ts";
import { noteBlindSpot } from "../raw.ts";
import type { StateFile } from "../state.ts";
import type { RawDirectoryUser, RawGraph, RawItem, RawMember } from "./raw.ts";

/**
 * `cgsim capture graph`: reads the connection, its schema, the items of the captured pages
 * (`GET …/items/{id}` — Graph has no item listing), the external groups their ACLs name and the
 * Entra users and groups that ACLs and the site's emails name, with the connector app's
 * credentials (client credentials; read permissions suffice:
 * https://learn.microsoft.com/en-us/graph/api/externalconnectors-externalitem-get). GETs only,
 * apart from the token request.
 */

export interface GraphAccess {
  http: CaptureHttp;
  /** `https://graph.microsoft.com/v1.0` or a stand-in (proxy, `cgsim serve`). */
  graphBase: string;
  /** `https://login.microsoftonline.com` or a stand-in. */
  loginBase: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
}

export interface GraphCaptureOptions {
  connectionId: string;
  /** Confluence content ids of the captured site (items are asked for one by one). */
  contentIds: string[];
  /** Emails of the captured Confluence accounts (looked up as UPN and as mail). */
  emails: string[];
  /** Graph item id for a content id; default the content id. */
  itemId?: (contentId: string) => string;
  /** List every tenant user, not only the ones the site and the ACLs name. */
  allUsers?: boolean;
  bodies?: boolean;
  progress?: (message: string) => void;
}

const USER_FIELDS = "id,userPrincipalName,mail,displayName,userType,accountEnabled";

export async function captureGraph(
  access: GraphAccess,
  state: StateFile<RawGraph>,
  options: GraphCaptureOptions,
): Promise<RawGraph> {
  const raw = state.data;
  const progress = options.progress ?? (() => {});
  const token = await fetchToken(access);
  raw.tenantId = token.tenantId || raw.tenantId;
  raw.appId = access.clientId;
  const headers = { authorization: `Bearer ${token.accessToken}` };
  const get = <T>(path: string, tolerate: number[] = [], extra: Record<string, string> = {}) =>
    access.http.getJson<T>(
      path.startsWith("http") ? path : `${access.graphBase}${path}`,
      { ...headers, ...extra },
      tolerate,
    );
  const conn = `/external/connections/${encodeURIComponent(options.connectionId)}`;

  if (!state.isDone("connection")) {
    const answer = await get<Record<string, unknown>>(conn, [401, 403, 404]);
    if (!answer.body)
      throw new Error(
        `Graph answered HTTP ${answer.status} for connection ${options.connectionId} (the app must own it or hold ExternalConnection.Read.All)`,
      );
    raw.connection = strip(answer.body);
    // Labels after `unknownFutureValue` (iconUrl, containerName, …) are only named with this header
    // (evolvable enums: https://learn.microsoft.com/en-us/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations).
    const schema = await get<RawGraph["schema"] & Record<string, unknown>>(
      `${conn}/schema`,
      [400, 404, 409],
      {
        prefer: "include-unknown-enum-members",
      },
    );
    if (schema.body)
      raw.schema = { baseType: schema.body.baseType, properties: schema.body.properties ?? [] };
    else
      noteBlindSpot(raw.blindSpots, {
        kind: "forbidden",
        subject: "schema",
        detail: `schema not readable (HTTP ${schema.status})`,
      });
    state.done("connection");
  }

  const itemId = options.itemId ?? ((id: string) => id);
  const todo = options.contentIds.filter((id) => !(id in raw.items));
  let read = options.contentIds.length - todo.length;
  await forEachConcurrent(todo, async (contentId) => {
    const answer = await get<RawItem & Record<string, unknown>>(
      `${conn}/items/${encodeURIComponent(itemId(contentId))}`,
      [404],
    );
    raw.items[contentId] = answer.body
      ? {
          id: itemId(contentId),
          acl: answer.body.acl ?? [],
          properties: answer.body.properties ?? {},
          ...(options.bodies && answer.body.content ? { content: answer.body.content } : {}),
        }
      : null;
    progress(`items: ${++read}/${options.contentIds.length}`);
    state.save();
  });

  // External groups the ACLs name, and the external groups nested in them.
  const queue = Object.values(raw.items).flatMap(
    (i) => i?.acl.filter((e) => e.type === "externalGroup").map((e) => e.value) ?? [],
  );
  while (queue.length) {
    const id = queue.shift()!;
    if (raw.externalGroups[id]) continue;
    const group = await get<{ displayName?: string; description?: string }>(
      `${conn}/groups/${encodeURIComponent(id)}`,
      [404],
    );
    const members = group.body
      ? await listMembers(get, `${conn}/groups/${encodeURIComponent(id)}/members`)
      : null;
    raw.externalGroups[id] = {
      id,
      displayName: group.body?.displayName ?? null,
      description: group.body?.description ?? null,
      members,
    };
    if (!group.body)
      noteBlindSpot(raw.blindSpots, {
        kind: "unknownPrincipal",
        subject: id,
        detail: `external group ${id} named in an ACL does not exist (HTTP 404)`,
      });
    for (const m of members ?? []) if (m.type === "externalGroup") queue.push(m.id);
    progress(`external groups: ${Object.keys(raw.externalGroups).length}`);
  }
  state.save();

  await captureDirectory(get, raw, options, progress);
  state.flush();
  return raw;
}

type Get = <T>(path: string, tolerate?: number[]) => Promise<{ status: number; body: T | undefined }>;

/** Follows `@odata.nextLink` to the end of a Graph collection. */
async function pageAll(
  get: Get,
  first: string,
  onValue: (value: Array<Record<string, unknown>>) => void,
): Promise<void> {
  let url: string | undefined = first;
  while (url) {
    const page: { body: { value?: Array<Record<string, unknown>>; "@odata.nextLink"?: string } | undefined } =
      await get(url);
    onValue(page.body?.value ?? []);
    url = page.body?.["@odata.nextLink"];
  }
}

async function listMembers(get: Get, first: string): Promise<RawMember[]> {
  const out: RawMember[] = [];
  await pageAll(get, first, (v) => out.push(...v.map((m) => ({ id: String(m.id), type: String(m.type) }))));
  return out;
}

async function captureDirectory(
  get: Get,
  raw: RawGraph,
  options: GraphCaptureOptions,
  progress: (m: string) => void,
) {
  const addUser = (u: Partial<RawDirectoryUser> & { id?: string }) => {
    if (!u.id || raw.users[u.id]) return;
    raw.users[u.id] = {
      id: u.id,
      userPrincipalName: u.userPrincipalName ?? u.id,
      mail: u.mail ?? null,
      displayName: u.displayName ?? u.userPrincipalName ?? u.id,
      userType: u.userType === "Guest" ? "Guest" : "Member",
      accountEnabled: u.accountEnabled !== false,
    };
  };
  if (options.allUsers)
    await pageAll(get, `/users?$select=${USER_FIELDS}&$top=999`, (v) => v.forEach(addUser));
  else {
    // The site's emails, as UPN and as mail (15 values per `in`, Graph's limit).
    const emails = [
      ...new Set(options.emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes("@"))),
    ];
    const quoted = emails.map((e) => `'${e.replace(/'/g, "''")}'`);
    for (let i = 0; i < quoted.length; i += 15) {
      const list = quoted.slice(i, i + 15).join(",");
      for (const prop of ["userPrincipalName", "mail"])
        await pageAll(
          get,
          `/users?$select=${USER_FIELDS}&$filter=${encodeURIComponent(`${prop} in (${list})`)}`,
          (v) => v.forEach(addUser),
        );
      progress(`directory: ${Math.min(i + 15, emails.length)}/${emails.length} emails looked up`);
    }
  }

  const members = [
    ...Object.values(raw.items)
      .flatMap((i) => i?.acl ?? [])
      .map((e) => ({ id: e.value, type: e.type })),
    ...Object.values(raw.externalGroups).flatMap((g) => g.members ?? []),
  ];
  const userIds = [...new Set(members.filter((m) => m.type === "user").map((m) => m.id))].filter(
    (id) => !raw.users[id],
  );
  await forEachConcurrent(userIds, async (id) => {
    const answer = await get<RawDirectoryUser>(
      `/users/${encodeURIComponent(id)}?$select=${USER_FIELDS}`,
      [404],
    );
    if (answer.body) addUser(answer.body);
    else
      noteBlindSpot(raw.blindSpots, {
        kind: "directoryLookup",
        subject: id,
        detail: `Entra user ${id} named in an ACL does not exist (HTTP 404)`,
      });
  });

  // Entra groups with their direct members, recursively (nesting kept; transitive = the closure).
  const queue = [...new Set(members.filter((m) => m.type === "group").map((m) => m.id))];
  while (queue.length) {
    const id = queue.shift()!;
    if (raw.groups[id]) continue;
    const group = await get<{ displayName?: string; mailNickname?: string }>(
      `/groups/${encodeURIComponent(id)}?$select=id,displayName,mailNickname`,
      [404],
    );
    if (!group.body) {
      noteBlindSpot(raw.blindSpots, {
        kind: "directoryLookup",
        subject: id,
        detail: `Entra group ${id} named in an ACL does not exist (HTTP 404)`,
      });
      continue;
    }
    const direct: RawMember[] = [];
    await pageAll(get, `/groups/${encodeURIComponent(id)}/members?$select=${USER_FIELDS}`, (v) => {
      for (const m of v) {
        const isGroup = m["@odata.type"] === "#microsoft.graph.group";
        if (isGroup) queue.push(String(m.id));
        else addUser(m as Partial<RawDirectoryUser>);
        direct.push({ id: String(m.id), type: isGroup ? "group" : "user" });
      }
    });
    raw.groups[id] = {
      id,
      displayName: group.body.displayName ?? id,
      mailNickname: group.body.mailNickname ?? id,
      members: direct,
    };
    progress(`directory groups: ${Object.keys(raw.groups).length}`);
  }
}

/** Client credentials against the tenant's v2.0 token endpoint (the one POST of a capture). */
async function fetchToken(access: GraphAccess): Promise<{ accessToken: string; tenantId: string }> {
  const url = `${access.loginBase}/${encodeURIComponent(access.tenant)}/oauth2/v2.0/token`;
  const answer = await access.http.postForm<{ access_token?: string; error_description?: string }>(url, {
    grant_type: "client_credentials",
    client_id: access.clientId,
    client_secret: access.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
  if (!answer.body?.access_token)
    throw new Error(
      `the token endpoint refused the app's credentials (HTTP ${answer.status}): ${answer.body?.error_description ?? ""}`,
    );
  let tenantId = "";
  try {
    const payload = JSON.parse(
      Buffer.from(answer.body.access_token.split(".")[1] ?? "", "base64url").toString("utf8"),
    );
    tenantId = typeof payload.tid === "string" ? payload.tid : "";
  } catch {
    // An opaque token: the tenant stays as given.
  }
  return { accessToken: answer.body.access_token, tenantId: tenantId || access.tenant };
}

function strip(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith("@odata")));
}
