import type { ConfluenceClient } from "../confluence/client.ts";
import type { GraphClient } from "../graph/client.ts";
import { type IdentityRule, mapIdentity } from "../identity.ts";
import type { ConfluenceUser } from "../model.ts";
import type { Audience } from "../permissions.ts";
import type { CrawlRecorder } from "./recorder.ts";

export interface IdentitiesDeps {
  confluence: ConfluenceClient;
  graph: GraphClient;
  /** How a Confluence user maps to an Entra user (config `identity`). */
  rule: IdentityRule;
  recorder: CrawlRecorder;
}

/**
 * Who is who, learnt once per crawl: Confluence users (emails, display names), groups' members
 * and names, and each account's Entra object id — null when it cannot be mapped, which is
 * reported once (2006) and grants nothing.
 */
export class Identities {
  readonly #users = new Map<string, ConfluenceUser>();
  readonly #groupMembers = new Map<string, string[]>();
  readonly #groupNames = new Map<string, string>();
  readonly #entraIds = new Map<string, string | null>();

  constructor(private readonly deps: IdentitiesDeps) {}

  /** Entra object id; undefined when unmapped or not resolved. */
  entraId(accountId: string): string | undefined {
    return this.#entraIds.get(accountId) ?? undefined;
  }

  groupMembers(groupId: string): readonly string[] {
    return this.#groupMembers.get(groupId) ?? [];
  }

  groupName(groupId: string): string {
    return this.#groupNames.get(groupId) ?? groupId;
  }

  displayName(accountId: string): string {
    return this.#users.get(accountId)?.displayName ?? "";
  }

  /** Users a listing carried along; a known user is replaced only by a better-filled copy. */
  remember(users: ConfluenceUser[]): void {
    for (const u of users) {
      const known = this.#users.get(u.accountId);
      if (!known || (!known.email && u.email) || (!known.displayName && u.displayName))
        this.#users.set(u.accountId, u);
    }
  }

  /** Looks up the users not known yet in one batch; those Confluence does not return stay blank. */
  async ensureUsers(accountIds: string[]): Promise<void> {
    const missing = accountIds.filter((a) => a && !this.#users.has(a));
    if (missing.length === 0) return;
    this.remember(await this.deps.confluence.users(missing));
    for (const a of missing) {
      if (!this.#users.has(a))
        this.#users.set(a, { accountId: a, email: "", displayName: "", publicName: "" });
    }
  }

  /** Groups' members and users' emails → Entra object ids for every principal the audiences name. */
  async resolve(audiences: Audience[]): Promise<void> {
    const { confluence, graph } = this.deps;
    // Distinct principals first: a space's items mostly name the same few groups.
    const userIds = new Set<string>();
    const groupIds = new Set<string>();
    for (const a of audiences) {
      for (const s of a.kind === "union" ? [a.set] : a.kind === "intersection" ? a.sets : []) {
        for (const u of s.users) userIds.add(u);
        for (const g of s.groups) groupIds.add(g);
      }
    }
    const unknownGroups = [...groupIds].filter((g) => !this.#groupMembers.has(g));
    await Promise.all(
      unknownGroups.map(async (g) => {
        const [members, name] = await Promise.all([
          confluence.groupMembers(g),
          confluence.groupName(g).catch(() => g), // cosmetic: never fail a crawl on it
        ]);
        this.#groupNames.set(g, name);
        this.remember(members);
        this.#groupMembers.set(
          g,
          members.map((m) => m.accountId),
        );
      }),
    );
    const accounts = new Set(userIds);
    for (const g of groupIds) for (const a of this.#groupMembers.get(g) ?? []) accounts.add(a);
    await this.ensureUsers([...accounts]);
    const upns = new Map<string, string[]>();
    for (const a of accounts) {
      if (this.#entraIds.has(a)) continue;
      const user = this.#users.get(a) ?? { accountId: a, email: "", displayName: a, publicName: a };
      const mapped = mapIdentity(this.deps.rule, user);
      if (!mapped.ok) {
        this.#unmapped(user, mapped.reason);
        continue;
      }
      if (mapped.kind === "objectId") this.#entraIds.set(a, mapped.value);
      else upns.set(mapped.value, [...(upns.get(mapped.value) ?? []), a]);
    }
    if (upns.size === 0) return;
    const found = await graph.usersByUpn([...upns.keys()]);
    for (const [upn, ids] of upns) {
      for (const a of ids) {
        const objectId = found.get(upn);
        this.#entraIds.set(a, objectId ?? null);
        if (!objectId) this.#unmapped(this.#users.get(a)!, `no Entra user with UPN ${upn}`);
      }
    }
  }

  #unmapped(user: ConfluenceUser, reason: string): void {
    this.#entraIds.set(user.accountId, null);
    this.deps.recorder.unmapped(user, reason);
  }
}
