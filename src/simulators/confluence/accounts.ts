import { ConfluenceDomainError, type Group, type User } from "./model.ts";

/** What `updateUser` may change on an account; the accountId never changes. */
export type UserChanges = Partial<
  Pick<User, "email" | "displayName" | "emailVisible" | "active" | "apiTokens">
>;

/** The key emails are looked up by: Confluence finds an account by email case-insensitively. */
const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * The users and groups of one site with their email index. Accounts and groups are keyed by
 * their stable ids (accountId, groupId): an email change or a group rename keeps every
 * membership, restriction and space permission, which all refer to ids. Every change calls
 * `changed` (the store's revision, which the response cache and CQL indexes follow).
 */
export class Accounts {
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly #byEmail = new Map<string, User>();

  constructor(private readonly changed: () => void) {}

  userByEmail(email: string): User | undefined {
    return this.#byEmail.get(emailKey(email));
  }

  groupByName(name: string): Group | undefined {
    for (const g of this.groups.values()) if (g.name.toLowerCase() === name.toLowerCase()) return g;
    return undefined;
  }

  groupsOf(accountId: string): Group[] {
    return [...this.groups.values()].filter((g) => g.members.has(accountId));
  }

  requireUser(accountId: string): User {
    const u = this.users.get(accountId);
    if (!u) throw new ConfluenceDomainError("NOT_FOUND", `No user with accountId ${accountId}`);
    return u;
  }

  requireGroup(idOrName: string): Group {
    const g = this.groups.get(idOrName) ?? this.groupByName(idOrName);
    if (!g) throw new ConfluenceDomainError("NOT_FOUND", `No group ${idOrName}`);
    return g;
  }

  addUser(user: User): User {
    if (this.users.has(user.accountId))
      throw new ConfluenceDomainError("CONFLICT", `user ${user.accountId} exists`);
    this.users.set(user.accountId, user);
    if (user.email) this.#byEmail.set(emailKey(user.email), user);
    this.changed();
    return user;
  }

  /**
   * Profile and account changes as an admin (or the person) makes them: a new email (looked up by
   * from now on), display name, email visibility, deactivation, API tokens (`[]` revokes them all).
   */
  updateUser(accountId: string, changes: UserChanges): User {
    const user = this.requireUser(accountId);
    if (changes.email !== undefined && emailKey(changes.email) !== emailKey(user.email)) {
      const taken = this.userByEmail(changes.email);
      if (taken)
        throw new ConfluenceDomainError("CONFLICT", `email ${changes.email} is taken by ${taken.accountId}`);
      this.#byEmail.delete(emailKey(user.email));
      if (changes.email) this.#byEmail.set(emailKey(changes.email), user);
    }
    if (changes.displayName !== undefined) user.publicName = changes.displayName;
    if (changes.apiTokens) changes = { ...changes, apiTokens: [...changes.apiTokens] };
    Object.assign(user, changes);
    this.changed();
    return user;
  }

  addGroup(group: Group): Group {
    if (this.groups.has(group.id)) throw new ConfluenceDomainError("CONFLICT", `group ${group.id} exists`);
    this.groups.set(group.id, group);
    this.changed();
    return group;
  }

  /** A new name for a group; its id, members and every grant through it stay. */
  renameGroup(idOrName: string, name: string): Group {
    const group = this.requireGroup(idOrName);
    const taken = this.groupByName(name);
    if (taken && taken !== group)
      throw new ConfluenceDomainError("CONFLICT", `A group with name ${name} already exists`);
    group.name = name;
    this.changed();
    return group;
  }

  addGroupMember(groupId: string, accountId: string): void {
    this.requireUser(accountId);
    this.requireGroup(groupId).members.add(accountId);
    this.changed();
  }

  removeGroupMember(groupId: string, accountId: string): void {
    this.requireGroup(groupId).members.delete(accountId);
    this.changed();
  }
}
