import { createHash } from "node:crypto";
import type { AclEntry } from "./graph/client.ts";
import type { PrincipalSet } from "./model.ts";
import { type Audience, membersOf, signature } from "./permissions.ts";

/**
 * Audience → Graph ACL plus the external groups it needs.
 *
 * - A Confluence group becomes external group `cg<group id hex>` whose members are the group's
 *   mapped users; a union grants those groups and mapped users directly (Graph's native OR).
 * - An intersection becomes one external group per distinct signature, `sig<hash>`, holding the
 *   mapped users in every set. Items reference the group id, which depends only on which
 *   principals are intersected, so membership changes update one group, never the items.
 * - Unmapped users are dropped (never replaced by something broader); a union or intersection
 *   left with nobody still references its (empty) group or denies everyone — fail closed.
 */
export interface DesiredGroup {
  id: string;
  displayName: string;
  description: string;
  /** Entra object ids. */
  members: string[];
  /** What it stands for: one set (a Confluence group) or the sets it intersects. Not sent to Graph. */
  definition: PrincipalSet[];
}

export interface AclResolution {
  acl: AclEntry[];
  /** Users named directly on the item's audience that had to be dropped (unmapped): code 2007. */
  unresolved: string[];
}

export interface AclContext {
  /** Tenant id, the documented `value` of everyone ACEs. */
  tenantId: string;
  /** ACE type granted for `everyone` audiences (default `everyone`). */
  everyoneType?: "everyone" | "everyoneExceptGuests";
  /** Account id → Entra object id, undefined when unmapped. */
  entraId(accountId: string): string | undefined;
  /** Confluence group id → member account ids. */
  groupMembers(groupId: string): readonly string[];
  groupName(groupId: string): string;
}

export const confluenceGroupId = (groupId: string) =>
  `cg${groupId.replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 128);
export const signatureGroupId = (sig: string) =>
  `sig${createHash("sha256").update(sig).digest("hex").slice(0, 40)}`;

export class AclPlanner {
  /** Every external group the computed ACLs reference, by id. */
  readonly groups = new Map<string, DesiredGroup>();

  constructor(private readonly ctx: AclContext) {}

  resolve(audience: Audience): AclResolution {
    const everyone = (accessType: "grant" | "deny"): AclEntry => ({
      type: "everyone",
      value: this.ctx.tenantId,
      accessType,
    });
    switch (audience.kind) {
      case "everyone":
        return {
          acl: [{ type: this.ctx.everyoneType ?? "everyone", value: this.ctx.tenantId, accessType: "grant" }],
          unresolved: [],
        };
      case "nobody":
        return { acl: [everyone("deny")], unresolved: [] };
      case "union": {
        const acl: AclEntry[] = [];
        const unresolved: string[] = [];
        for (const accountId of audience.set.users) {
          const id = this.ctx.entraId(accountId);
          if (id) acl.push({ type: "user", value: id, accessType: "grant" });
          else unresolved.push(accountId);
        }
        // Unmapped members of a group are reported once as users (2006), not per item.
        for (const groupId of audience.set.groups) {
          acl.push({ type: "externalGroup", value: this.#confluenceGroup(groupId), accessType: "grant" });
        }
        return { acl: acl.length > 0 ? acl : [everyone("deny")], unresolved };
      }
      case "intersection": {
        const sig = signature(audience.sets);
        const id = signatureGroupId(sig);
        if (!this.groups.has(id)) {
          const accounts = membersOf(audience, (g) => this.ctx.groupMembers(g), []);
          const members = this.#map([...accounts]);
          this.groups.set(id, {
            id,
            displayName: `Confluence: ${audience.sets.map((s) => this.#describe(s)).join(" ∩ ")}`.slice(
              0,
              256,
            ),
            description: `Intersection ${sig}`.slice(0, 1024),
            members,
            definition: audience.sets,
          });
        }
        return { acl: [{ type: "externalGroup", value: id, accessType: "grant" }], unresolved: [] };
      }
    }
  }

  #confluenceGroup(groupId: string): string {
    const id = confluenceGroupId(groupId);
    if (!this.groups.has(id)) {
      const members = this.#map([...this.ctx.groupMembers(groupId)]);
      this.groups.set(id, {
        id,
        displayName: `Confluence group ${this.ctx.groupName(groupId)}`,
        description: `Confluence group ${groupId}`,
        members,
        definition: [{ users: [], groups: [groupId] }],
      });
    }
    return id;
  }

  #map(accountIds: string[]): string[] {
    const out = new Set<string>();
    for (const a of accountIds) {
      const id = this.ctx.entraId(a);
      if (id) out.add(id);
    }
    return [...out].sort();
  }

  #describe(s: { users: string[]; groups: string[] }): string {
    const parts = [
      ...s.groups.map((g) => this.ctx.groupName(g)),
      ...s.users.map((u) => `user ${u.slice(-6)}`),
    ];
    return `(${parts.join(" | ")})`;
  }
}
