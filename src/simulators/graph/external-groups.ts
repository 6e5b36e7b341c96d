import type { Connections } from "./connections.ts";
import { GraphError } from "./errors.ts";
import type { ExternalConnection, ExternalGroup, ExternalGroupMember } from "./model.ts";

/** An external group as a create request describes it (checked by the route). */
export interface ExternalGroupInput extends ExternalGroupPatch {
  id: string;
}

export interface ExternalGroupPatch {
  displayName?: string | null;
  description?: string | null;
}

/**
 * External groups of a connection and their members. Every change bumps the connection's
 * `groupsVersion`, which the access module's membership cache compares.
 */
export class ExternalGroups {
  constructor(readonly connections: Connections) {}

  create(conn: ExternalConnection, input: ExternalGroupInput): ExternalGroup {
    this.connections.assertGroupWrite(conn);
    const { id } = input;
    if (conn.groups.has(id)) {
      throw new GraphError(409, "Conflict", `An external group with id '${id}' already exists.`, {
        code: "NameAlreadyExists",
        message: `External group '${id}' already exists in connection '${conn.id}'.`,
      });
    }
    const group: ExternalGroup = {
      id,
      displayName: input.displayName ?? null,
      description: input.description ?? null,
      members: new Map(),
    };
    conn.groups.set(id, group);
    conn.groupsVersion += 1;
    return group;
  }

  get(conn: ExternalConnection, id: string): ExternalGroup {
    const g = conn.groups.get(id);
    if (!g) {
      throw new GraphError(404, "itemNotFound", `External group '${id}' was not found.`, {
        code: "ExternalGroupNotFound",
        message: `No external group '${id}' in connection '${conn.id}'.`,
      });
    }
    return g;
  }

  update(conn: ExternalConnection, id: string, patch: ExternalGroupPatch): ExternalGroup {
    this.connections.assertGroupWrite(conn);
    const g = this.get(conn, id);
    if (patch.displayName !== undefined) g.displayName = patch.displayName;
    if (patch.description !== undefined) g.description = patch.description;
    return g;
  }

  delete(conn: ExternalConnection, id: string): void {
    this.connections.assertGroupWrite(conn);
    this.get(conn, id);
    conn.groups.delete(id);
    conn.groupsVersion += 1;
  }

  addMember(conn: ExternalConnection, groupId: string, member: ExternalGroupMember): ExternalGroupMember {
    this.connections.assertGroupWrite(conn);
    const g = this.get(conn, groupId);
    if (g.members.has(member.id)) {
      throw new GraphError(409, "Conflict", `'${member.id}' is already a member of '${groupId}'.`, {
        code: "MemberAlreadyExists",
        message: `'${member.id}' is already a member.`,
      });
    }
    const added: ExternalGroupMember = { id: member.id, type: member.type };
    if (member.identitySource !== undefined) added.identitySource = member.identitySource;
    g.members.set(member.id, added);
    conn.groupsVersion += 1;
    return added;
  }

  removeMember(conn: ExternalConnection, groupId: string, memberId: string): void {
    this.connections.assertGroupWrite(conn);
    const g = this.get(conn, groupId);
    if (!g.members.delete(memberId)) {
      throw new GraphError(404, "itemNotFound", `Member '${memberId}' was not found.`, {
        code: "MemberNotFound",
        message: `'${memberId}' is not a member of '${groupId}'.`,
      });
    }
    conn.groupsVersion += 1;
  }
}
