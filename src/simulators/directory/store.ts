import {
  type AppRegistration,
  DEFAULT_DELEGATED_SCOPES,
  DEFAULT_USER_PASSWORD,
  DirectoryError,
  type DirectoryGroup,
  type DirectorySpec,
  type DirectoryUser,
  deterministicGuid,
  type GroupMemberRef,
  isGuid,
} from "./model.ts";

/**
 * The Entra ID (Azure AD) directory's state: tenant, users, groups (nested) and app registrations.
 * Pure state and rules; no HTTP. Graph routes, the token endpoint and search trimming read it.
 */
export class Directory {
  tenantId: string;
  domain: string;
  readonly users = new Map<string, DirectoryUser>();
  readonly groups = new Map<string, DirectoryGroup>();
  readonly apps = new Map<string, AppRegistration>();
  #byUpn = new Map<string, string>();
  #spec: DirectorySpec;
  #version = 0;
  #groupsOf = new Map<string, ReadonlySet<string>>();
  #parents: Map<string, string[]> | undefined;
  #groupsOfVersion = -1;

  /**
   * Bumped by every mutation method; caches of derived membership (here and in the Graph twin)
   * compare it. Mutate users and groups through these methods, not by editing the objects.
   */
  get version(): number {
    return this.#version;
  }

  #touch(): void {
    this.#version += 1;
  }

  constructor(spec: DirectorySpec = { tenant: "contoso.onmicrosoft.com" }) {
    this.#spec = structuredClone(spec);
    this.tenantId = "";
    this.domain = "";
    this.load(spec);
  }

  /** Replaces the whole directory with the given fixture. */
  load(spec: DirectorySpec): void {
    this.#touch();
    this.#spec = structuredClone(spec);
    this.users.clear();
    this.groups.clear();
    this.apps.clear();
    this.#byUpn.clear();
    const tenantIsGuid = isGuid(spec.tenant);
    this.tenantId = (
      spec.tenantId ?? (tenantIsGuid ? spec.tenant : deterministicGuid("tenant", spec.tenant))
    ).toLowerCase();
    this.domain = spec.domain ?? (tenantIsGuid ? "contoso.onmicrosoft.com" : spec.tenant);
    for (const u of spec.users ?? []) this.addUser(u);
    // Groups in two passes so members may reference groups declared later.
    for (const g of spec.groups ?? [])
      this.addGroup({ name: g.name, id: g.id, mailNickname: g.mailNickname });
    for (const g of spec.groups ?? []) {
      const group = this.group(g.id ?? g.name)!;
      for (const m of g.members ?? []) this.addMember(group.id, m);
    }
    for (const a of spec.apps ?? []) this.addApp(a);
  }

  /** Back to the fixture the directory was last loaded from. */
  reset(): void {
    this.load(this.#spec);
  }

  addUser(u: NonNullable<DirectorySpec["users"]>[number]): DirectoryUser {
    this.#touch();
    const upn = u.upn.includes("@") ? u.upn : `${u.upn}@${this.domain}`;
    if (this.#byUpn.has(upn.toLowerCase())) throw new DirectoryError(`user ${upn} already exists`);
    const guest = u.guest ?? false;
    const user: DirectoryUser = {
      id: (u.id ?? deterministicGuid(this.tenantId, "user", upn.toLowerCase())).toLowerCase(),
      userPrincipalName: upn,
      mail: u.mail === undefined ? (guest ? null : upn) : u.mail,
      displayName: u.displayName ?? displayNameFrom(upn),
      userType: guest ? "Guest" : "Member",
      accountEnabled: u.enabled ?? true,
      password: u.password ?? DEFAULT_USER_PASSWORD,
    };
    if (this.users.has(user.id)) throw new DirectoryError(`user id ${user.id} already exists`);
    this.users.set(user.id, user);
    this.#byUpn.set(upn.toLowerCase(), user.id);
    return user;
  }

  updateUser(
    idOrUpn: string,
    patch: Partial<Omit<DirectoryUser, "id" | "userPrincipalName">>,
  ): DirectoryUser {
    this.#touch();
    const user = this.user(idOrUpn);
    if (!user) throw new DirectoryError(`no user ${idOrUpn}`);
    Object.assign(user, patch);
    return user;
  }

  removeUser(idOrUpn: string): void {
    this.#touch();
    const user = this.user(idOrUpn);
    if (!user) return;
    this.users.delete(user.id);
    this.#byUpn.delete(user.userPrincipalName.toLowerCase());
    for (const g of this.groups.values()) g.members = g.members.filter((m) => m.id !== user.id);
  }

  addGroup(g: { name: string; id?: string; mailNickname?: string; members?: string[] }): DirectoryGroup {
    this.#touch();
    const nick = g.mailNickname ?? g.name.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
    const group: DirectoryGroup = {
      id: (g.id ?? deterministicGuid(this.tenantId, "group", g.name)).toLowerCase(),
      displayName: g.name,
      mailNickname: nick,
      mail: null,
      securityEnabled: true,
      members: [],
    };
    if (this.groups.has(group.id)) throw new DirectoryError(`group ${g.name} (${group.id}) already exists`);
    this.groups.set(group.id, group);
    for (const m of g.members ?? []) this.addMember(group.id, m);
    return group;
  }

  removeGroup(idOrName: string): void {
    this.#touch();
    const group = this.group(idOrName);
    if (!group) return;
    this.groups.delete(group.id);
    for (const g of this.groups.values()) g.members = g.members.filter((m) => m.id !== group.id);
  }

  /** Adds a user (UPN or id) or a group (name or id) to a group. */
  addMember(groupIdOrName: string, member: string): void {
    this.#touch();
    const group = this.group(groupIdOrName);
    if (!group) throw new DirectoryError(`no group ${groupIdOrName}`);
    const user = this.user(member);
    const ref: GroupMemberRef | undefined = user
      ? { type: "user", id: user.id }
      : this.group(member)
        ? { type: "group", id: this.group(member)!.id }
        : undefined;
    if (!ref)
      throw new DirectoryError(`group ${group.displayName}: member ${member} is neither a user nor a group`);
    if (!group.members.some((m) => m.id === ref.id)) group.members.push(ref);
  }

  removeMember(groupIdOrName: string, member: string): void {
    this.#touch();
    const group = this.group(groupIdOrName);
    if (!group) throw new DirectoryError(`no group ${groupIdOrName}`);
    const id = this.user(member)?.id ?? this.group(member)?.id ?? member;
    group.members = group.members.filter((m) => m.id !== id);
  }

  addApp(a: NonNullable<DirectorySpec["apps"]>[number]): AppRegistration {
    const app: AppRegistration = {
      appId: a.clientId.toLowerCase(),
      servicePrincipalId: deterministicGuid(this.tenantId, "servicePrincipal", a.clientId.toLowerCase()),
      displayName: a.name ?? `app ${a.clientId}`,
      secret: a.secret,
      roles: [...(a.roles ?? [])],
      scopes: [...(a.scopes ?? DEFAULT_DELEGATED_SCOPES)],
    };
    this.apps.set(app.appId, app);
    return app;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** A user by object id or userPrincipalName (case-insensitive); a bare name gets the tenant domain. */
  user(idOrUpn: string): DirectoryUser | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = this.users.get(key);
    if (byId) return byId;
    const id =
      this.#byUpn.get(key) ??
      (key.includes("@") ? undefined : this.#byUpn.get(`${key}@${this.domain.toLowerCase()}`));
    return id ? this.users.get(id) : undefined;
  }

  /** A group by object id or display name. */
  group(idOrName: string): DirectoryGroup | undefined {
    const byId = this.groups.get(idOrName.toLowerCase());
    if (byId) return byId;
    for (const g of this.groups.values()) if (g.displayName === idOrName) return g;
    return undefined;
  }

  /** Every group the user belongs to, directly or through nested groups (cached per version; do not mutate). */
  transitiveGroupsOf(userId: string): ReadonlySet<string> {
    if (this.#groupsOfVersion !== this.#version) {
      this.#groupsOf.clear();
      this.#parents = undefined;
      this.#groupsOfVersion = this.#version;
    }
    const key = userId.toLowerCase();
    const cached = this.#groupsOf.get(key);
    if (cached) return cached;
    const computed = this.#computeGroupsOf(key);
    this.#groupsOf.set(key, computed);
    return computed;
  }

  #computeGroupsOf(userId: string): Set<string> {
    const out = new Set<string>();
    this.#parents ??= this.#parentIndex();
    const parents = this.#parents;
    const queue = [...(parents.get(userId) ?? [])];
    while (queue.length > 0) {
      const g = queue.pop()!;
      if (out.has(g)) continue;
      out.add(g);
      queue.push(...(parents.get(g) ?? []));
    }
    return out;
  }

  /** Users and groups reachable from a group (cycles tolerated). */
  transitiveMembers(groupId: string): { users: DirectoryUser[]; groups: DirectoryGroup[] } {
    const users = new Map<string, DirectoryUser>();
    const groups = new Map<string, DirectoryGroup>();
    const seen = new Set<string>([groupId.toLowerCase()]);
    const queue = [...(this.groups.get(groupId.toLowerCase())?.members ?? [])];
    while (queue.length > 0) {
      const m = queue.shift()!;
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      if (m.type === "user") {
        const u = this.users.get(m.id);
        if (u) users.set(u.id, u);
      } else {
        const g = this.groups.get(m.id);
        if (g) {
          groups.set(g.id, g);
          queue.push(...g.members);
        }
      }
    }
    return { users: [...users.values()], groups: [...groups.values()] };
  }

  #parentIndex(): Map<string, string[]> {
    const parents = new Map<string, string[]>();
    for (const g of this.groups.values()) {
      for (const m of g.members) {
        const list = parents.get(m.id);
        if (list) list.push(g.id);
        else parents.set(m.id, [g.id]);
      }
    }
    return parents;
  }

  snapshot() {
    return {
      tenantId: this.tenantId,
      domain: this.domain,
      users: [...this.users.values()].map(({ password: _p, ...u }) => u),
      groups: [...this.groups.values()],
      apps: [...this.apps.values()].map(({ secret: _s, ...a }) => a),
    };
  }
}

function displayNameFrom(upn: string): string {
  const local = upn.split("@")[0];
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join(" ");
}
