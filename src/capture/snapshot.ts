import { z } from "zod";
import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import type { RawGraph } from "./graph/raw.ts";

/**
 * The index snapshot: the state of one Graph connector connection as `cgsim capture graph` read
 * it — connection, schema, the items of the captured pages with their ACLs, and the external
 * groups those ACLs name. Versioned JSON (`format` + `version`); `cgsim schema index` prints its
 * JSON Schema. A replay writes it back into the Graph twin through the connector API.
 */

const aclEntry = z
  .object({
    type: z.enum(["user", "group", "everyone", "everyoneExceptGuests", "externalGroup"]),
    value: z.string().min(1),
    accessType: z.enum(["grant", "deny"]),
  })
  .strict();

const member = z.object({ id: z.string().min(1), type: z.enum(["user", "group", "externalGroup"]) }).strict();

export const indexSnapshotSchema = z
  .object({
    format: z.literal("cgsim-index-snapshot"),
    version: z.literal(1),
    capturedAt: z.string().describe("ISO 8601 time the capture ended"),
    tenantId: z.string().min(1),
    connection: z
      .object({
        id: z.string().min(1),
        name: z.string(),
        description: z.string().nullable().optional(),
        state: z.string().optional(),
        activitySettings: z.unknown().optional(),
        searchSettings: z.unknown().optional(),
      })
      .strict(),
    schema: z
      .object({ baseType: z.string(), properties: z.array(z.record(z.string(), z.unknown())) })
      .strict()
      .nullable(),
    items: z.array(
      z
        .object({
          id: z.string().min(1).describe("Graph item id"),
          contentId: z.string().optional().describe("Confluence content id when it differs from the item id"),
          acl: z.array(aclEntry),
          properties: z.record(z.string(), z.unknown()),
          content: z
            .object({ type: z.enum(["text", "html"]), value: z.string() })
            .strict()
            .optional(),
        })
        .strict(),
    ),
    notIndexed: z.array(z.string()).describe("Captured content ids Graph answered 404 for"),
    externalGroups: z.array(
      z
        .object({
          id: z.string().min(1),
          displayName: z.string().nullable(),
          description: z.string().nullable(),
          members: z.array(member).nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export type IndexSnapshot = z.output<typeof indexSnapshotSchema>;

/** The app a replayed directory gets: the captured app id with a replay-only secret. */
export const REPLAY_SECRET = "replay-secret";
export const REPLAY_ROLES = [
  "ExternalConnection.ReadWrite.OwnedBy",
  "ExternalItem.ReadWrite.OwnedBy",
  "User.Read.All",
  "Group.Read.All",
];

export function toIndexSnapshot(raw: RawGraph, connectionId: string, capturedAt: string): IndexSnapshot {
  const c = raw.connection ?? {};
  const items: IndexSnapshot["items"] = [];
  const notIndexed: string[] = [];
  for (const [contentId, item] of Object.entries(raw.items)) {
    if (!item) {
      notIndexed.push(contentId);
      continue;
    }
    const out: IndexSnapshot["items"][number] = {
      id: item.id,
      acl: item.acl as IndexSnapshot["items"][number]["acl"],
      properties: item.properties,
    };
    if (item.id !== contentId) out.contentId = contentId;
    if (item.content && (item.content.type === "text" || item.content.type === "html"))
      out.content = { type: item.content.type, value: item.content.value };
    items.push(out);
  }
  return {
    format: "cgsim-index-snapshot",
    version: 1,
    capturedAt,
    tenantId: raw.tenantId,
    connection: {
      id: typeof c.id === "string" ? c.id : connectionId,
      name: typeof c.name === "string" ? c.name : connectionId,
      description: typeof c.description === "string" ? c.description : null,
      ...(typeof c.state === "string" ? { state: c.state } : {}),
      ...(c.activitySettings ? { activitySettings: c.activitySettings } : {}),
    },
    schema: raw.schema,
    items,
    notIndexed,
    externalGroups: Object.values(raw.externalGroups).map((g) => ({
      id: g.id,
      displayName: g.displayName,
      description: g.description,
      members:
        g.members?.map((m) => ({ id: m.id, type: m.type as "user" | "group" | "externalGroup" })) ?? null,
    })),
  };
}

/** The Entra side as a directory file: every captured user and group by id, nesting kept. */
export function toDirectoryFile(raw: RawGraph): DirectoryFile {
  return {
    tenant: raw.tenantId,
    tenantId: raw.tenantId,
    users: Object.values(raw.users).map((u) => ({
      upn: u.userPrincipalName,
      id: u.id,
      mail: u.mail,
      displayName: u.displayName,
      ...(u.userType === "Guest" ? { guest: true } : {}),
      ...(u.accountEnabled ? {} : { enabled: false }),
    })),
    groups: Object.values(raw.groups).map((g) => ({
      name: g.displayName,
      id: g.id,
      mailNickname: g.mailNickname,
      members: (g.members ?? []).filter((m) => raw.users[m.id] || raw.groups[m.id]).map((m) => m.id),
    })),
    apps: raw.appId
      ? [{ clientId: raw.appId, secret: REPLAY_SECRET, name: "connector app (replay)", roles: REPLAY_ROLES }]
      : [],
  };
}
