import type { Directory } from "../directory/store.ts";
import { listPage } from "../host/admin-window.ts";
import { type AdminRegistry, json } from "../host/types.ts";
import { type ConnectionOperationName, OPERATION_TABLE } from "./lifecycle.ts";
import type { AclEntry, ExternalConnection, ExternalItem } from "./model.ts";
import type { GraphTwin } from "./twin.ts";

/** Expanded member lists are cut here (the count says how many there are). */
const MAX_MEMBERS = 50;

/**
 * Read-only views of the Graph twin's state for people (the inspector) and scripts, under
 * `/_sim/graph/`: ids resolved to names, external groups expanded to the people they admit.
 *
 * - `GET /_sim/graph/connections` → quotas and each connection: state, the operation table's
 *   allowed and refused operations in that state, schema (active and submitted), operations
 * - `GET /_sim/graph/items?connection=&offset=&limit=&q=&find=` → items with their ACLs (each
 *   entry named; external and Entra groups with the users they admit); `q` filters by id or title
 * - `GET /_sim/graph/groups?connection=&offset=&limit=` → external groups with members, expanded
 */
/** The 404 for a listing whose `?connection=` names no connection (or is missing). */
function noConnection(query: URLSearchParams): Response {
  return json({ error: `no connection ${query.get("connection") ?? "(give ?connection=ID)"}` }, 404);
}

export function installGraphInspection(host: AdminRegistry, twin: GraphTwin): void {
  host.admin("GET", "/_sim/graph/connections", () => json(connectionsView(twin)));
  host.admin("GET", "/_sim/graph/items", ({ query }) => {
    const conn = twin.connection(query.get("connection") ?? "");
    if (!conn) return noConnection(query);
    const q = (query.get("q") ?? "").toLowerCase();
    const all = [...conn.items.values()].filter(
      (item) => !q || item.id.toLowerCase().includes(q) || titleOf(item).toLowerCase().includes(q),
    );
    const listed = listPage(query, all, 200);
    if ("error" in listed) return json(listed, 400);
    const names = new Names(twin.directory, conn);
    const find = query.get("find");
    return json({
      connection: conn.id,
      total: listed.total,
      offset: listed.offset,
      items: listed.page.map((item) => ({
        id: item.id,
        title: titleOf(item),
        url: typeof item.properties.url === "string" ? item.properties.url : null,
        lastModifiedAt: item.lastModifiedAt,
        acl: item.acl.map((e) => names.entry(e)),
        properties: item.properties,
      })),
      ...(find ? { index: all.findIndex((item) => item.id === find) } : {}),
    });
  });
  host.admin("GET", "/_sim/graph/groups", ({ query }) => {
    const conn = twin.connection(query.get("connection") ?? "");
    if (!conn) return noConnection(query);
    const listed = listPage(query, [...conn.groups.values()], 200);
    if ("error" in listed) return json(listed, 400);
    const names = new Names(twin.directory, conn);
    return json({
      connection: conn.id,
      total: listed.total,
      offset: listed.offset,
      groups: listed.page.map((g) => ({
        id: g.id,
        displayName: g.displayName,
        description: g.description,
        members: [...g.members.values()].map((m) =>
          names.entry({ type: m.type, value: m.id, accessType: "grant" }),
        ),
        ...names.people("externalGroup", g.id),
      })),
    });
  });
}

function connectionsView(twin: GraphTwin) {
  const ops = Object.keys(OPERATION_TABLE) as ConnectionOperationName[];
  return {
    clock: twin.clock.iso(),
    quotas: {
      itemsPerConnection: twin.itemsPerConnection,
      itemsPerTenant: twin.itemsPerTenant,
      itemsInTenant: [...twin.connections.values()].reduce((n, c) => n + c.items.size, 0),
      ingestionItemsPerSecond: twin.ingestionItemsPerSecond ?? null,
    },
    schemaProvisioningMs: twin.schemaProvisioningMs,
    retryDiscipline: twin.retryDiscipline,
    connections: [...twin.connections.values()].map((conn) => {
      const state = twin.stateOf(conn);
      return {
        id: conn.id,
        name: conn.name,
        description: conn.description,
        state,
        obsolete: conn.obsolete,
        ownerAppId: conn.ownerAppId,
        allowed: ops.filter((op) => OPERATION_TABLE[op][state]),
        refused: ops.filter((op) => !OPERATION_TABLE[op][state]),
        items: conn.items.size,
        itemQuota: conn.itemQuota ?? null,
        itemsRemaining: twin.itemsRemaining(conn),
        groups: conn.groups.size,
        schema: conn.schema,
        submittedSchema: conn.submittedSchema,
        resolvers: conn.activitySettings.urlToItemResolvers.length,
        operations: [...conn.operations.values()].map((op) => ({
          id: op.id,
          kind: op.kind,
          status: twin.operationStatus(conn, op),
          completesAt: new Date(op.completesAt).toISOString(),
          ...(op.failWith ? { error: op.failWith } : {}),
        })),
      };
    }),
  };
}

function titleOf(item: ExternalItem): string {
  const p = item.properties;
  const title = p.title ?? p.name ?? p.subject;
  return typeof title === "string" ? title : "";
}

/** ACL entries and group members by name, with the people a group admits (cached per view). */
class Names {
  #people = new Map<string, string[]>();

  constructor(
    readonly directory: Directory,
    readonly conn: ExternalConnection,
  ) {}

  entry(e: AclEntry) {
    const base = { type: e.type, value: e.value, accessType: e.accessType, label: this.label(e) };
    if (e.type === "externalGroup" || (e.type === "group" && e.identitySource?.toLowerCase() === "external"))
      return { ...base, ...this.people("externalGroup", e.value) };
    if (e.type === "group") return { ...base, ...this.people("group", e.value) };
    return base;
  }

  label(e: AclEntry): string {
    switch (e.type) {
      case "user":
        return this.directory.user(e.value)?.userPrincipalName ?? `${e.value} (not in the directory)`;
      case "group":
        if (e.identitySource?.toLowerCase() === "external") return this.#externalLabel(e.value);
        return (
          this.directory.groups.get(e.value.toLowerCase())?.displayName ?? `${e.value} (not in the directory)`
        );
      case "externalGroup":
        return this.#externalLabel(e.value);
      case "everyone":
        return "everyone in the tenant";
      case "everyoneExceptGuests":
        return "everyone except guests";
    }
  }

  /** The directory users a group admits (transitively), by UPN, cut at MAX_MEMBERS. */
  people(kind: "group" | "externalGroup", id: string): { people: string[]; peopleCount: number } {
    const key = `${kind}:${id}`;
    let users = this.#people.get(key);
    if (!users) {
      users = [...(kind === "group" ? this.#entraUsers(id) : this.#externalUsers(id, new Set()))].sort();
      this.#people.set(key, users);
    }
    return { people: users.slice(0, MAX_MEMBERS), peopleCount: users.length };
  }

  #externalLabel(id: string): string {
    const group = this.conn.groups.get(id);
    if (!group) return `${id} (missing external group)`;
    return group.displayName ? `${group.displayName} (${id})` : id;
  }

  #entraUsers(groupId: string): Set<string> {
    return new Set(
      this.directory.transitiveMembers(groupId.toLowerCase()).users.map((u) => u.userPrincipalName),
    );
  }

  #externalUsers(groupId: string, seen: Set<string>): Set<string> {
    const out = new Set<string>();
    const group = this.conn.groups.get(groupId);
    if (!group || seen.has(groupId)) return out;
    seen.add(groupId);
    for (const m of group.members.values()) {
      if (m.type === "user") {
        const user = this.directory.user(m.id);
        if (user) out.add(user.userPrincipalName);
      } else if (m.type === "group") for (const u of this.#entraUsers(m.id)) out.add(u);
      else for (const u of this.#externalUsers(m.id, seen)) out.add(u);
    }
    return out;
  }
}
