import type { SimClock } from "../host/clock.ts";
import { Accounts, type UserChanges } from "./accounts.ts";
import { SiteLabels } from "./labels.ts";
import {
  ConfluenceDomainError,
  type Content,
  type ContentStatus,
  type Group,
  type NewContent,
  type PrincipalRef,
  type Restriction,
  type RestrictionOperation,
  type Site,
  type Space,
  type SpacePermission,
  type User,
} from "./model.ts";
import { PageTree } from "./page-tree.ts";
import { TitleIndex } from "./title-index.ts";

/**
 * All Confluence state for one site, with the indexes every reader needs. Mutations go through
 * methods so timestamps follow the SimClock and `revision` tells caches (CQL indexes) to rebuild.
 */
export class ConfluenceStore {
  /** Users and groups with their email index (accounts.ts); changes bump `revision`. */
  readonly #accounts = new Accounts(() => this.#touch());
  readonly users = this.#accounts.users;
  readonly groups = this.#accounts.groups;
  readonly spaces = new Map<string, Space>();
  readonly content = new Map<string, Content>();
  /** Bumped by every mutation. */
  revision = 0;
  #spacesByKey = new Map<string, Space>();
  #contentInSpace = new Map<string, Content[]>();
  #tree = new PageTree();
  #titles = new TitleIndex();
  #nextContentId = 65_537;
  #nextSpaceId = 98_305;
  #labels = new SiteLabels();
  #nextPermissionId = 1;

  constructor(
    public site: Site,
    readonly clock: SimClock,
  ) {}

  // ---- reads ---------------------------------------------------------------------------------

  spaceByKey(key: string): Space | undefined {
    return this.#spacesByKey.get(key.toLowerCase());
  }

  userByEmail(email: string): User | undefined {
    return this.#accounts.userByEmail(email);
  }

  groupByName(name: string): Group | undefined {
    return this.#accounts.groupByName(name);
  }

  groupsOf(accountId: string): Group[] {
    return this.#accounts.groupsOf(accountId);
  }

  /** Child pages in position order (any status; callers filter). */
  childrenOf(id: string): Content[] {
    return this.#tree
      .childIds(id)
      .map((c) => this.content.get(c)!)
      .filter(Boolean);
  }

  /** Content of a space in creation order (any status; callers filter). */
  contentInSpace(spaceId: string): readonly Content[] {
    return this.#contentInSpace.get(spaceId) ?? [];
  }

  /** Ancestors of a page, highest first (the order `/pages/{id}/ancestors` uses). */
  ancestorsOf(content: Content): Content[] {
    return this.#tree.ancestors(content, (id) => this.content.get(id));
  }

  requireContent(id: string): Content {
    const c = this.content.get(id);
    if (!c) throw new ConfluenceDomainError("NOT_FOUND", `Cannot find content with id [${id}]`);
    return c;
  }

  requireSpace(idOrKey: string): Space {
    const s = this.spaces.get(idOrKey) ?? this.spaceByKey(idOrKey);
    if (!s) throw new ConfluenceDomainError("NOT_FOUND", `No space with key or id : ${idOrKey}`);
    return s;
  }

  requireUser(accountId: string): User {
    return this.#accounts.requireUser(accountId);
  }

  requireGroup(idOrName: string): Group {
    return this.#accounts.requireGroup(idOrName);
  }

  // ---- users and groups (accounts.ts) ----------------------------------------------------------

  addUser(user: User): User {
    return this.#accounts.addUser(user);
  }

  updateUser(accountId: string, changes: UserChanges): User {
    return this.#accounts.updateUser(accountId, changes);
  }

  addGroup(group: Group): Group {
    return this.#accounts.addGroup(group);
  }

  renameGroup(idOrName: string, name: string): Group {
    return this.#accounts.renameGroup(idOrName, name);
  }

  addGroupMember(groupId: string, accountId: string): void {
    this.#accounts.addGroupMember(groupId, accountId);
  }

  removeGroupMember(groupId: string, accountId: string): void {
    this.#accounts.removeGroupMember(groupId, accountId);
  }

  // ---- site and spaces -------------------------------------------------------------------------

  setAnonymousAccess(enabled: boolean): void {
    this.site.anonymousAccess = enabled;
    this.#touch();
  }

  addSpace(input: Omit<Space, "id" | "createdAt" | "homepageId" | "permissions"> & Partial<Space>): Space {
    if (this.spaceByKey(input.key))
      throw new ConfluenceDomainError("CONFLICT", `A space with key ${input.key} exists`);
    const id = input.id ?? String(this.#nextSpaceId++);
    const space: Space = {
      homepageId: null,
      permissions: [],
      ...input,
      id,
      createdAt: input.createdAt ?? this.clock.now(),
    };
    this.spaces.set(id, space);
    this.#spacesByKey.set(space.key.toLowerCase(), space);
    this.#contentInSpace.set(id, []);
    this.#touch();
    return space;
  }

  /** A space's new name (its key and id stay; Confluence lets admins rename a space). */
  renameSpace(spaceId: string, name: string): void {
    this.requireSpace(spaceId).name = name;
    this.#touch();
  }

  setSpaceStatus(spaceId: string, status: Space["status"]): void {
    this.requireSpace(spaceId).status = status;
    this.#touch();
  }

  grantSpacePermission(
    spaceId: string,
    principal: PrincipalRef,
    key = "read",
    targetType = "space",
  ): SpacePermission {
    const space = this.requireSpace(spaceId);
    const existing = space.permissions.find((p) => grants(p, principal, key, targetType));
    if (existing) return existing;
    const permission: SpacePermission = {
      id: String(this.#nextPermissionId++),
      principal,
      operation: { key, targetType },
    };
    space.permissions.push(permission);
    this.#touch();
    return permission;
  }

  revokeSpacePermission(spaceId: string, principal: PrincipalRef, key = "read", targetType = "space"): void {
    const space = this.requireSpace(spaceId);
    space.permissions = space.permissions.filter((p) => !grants(p, principal, key, targetType));
    this.#touch();
  }

  // ---- content -----------------------------------------------------------------------------------

  addContent(input: NewContent): Content {
    const space = this.requireSpace(input.spaceId);
    const id = input.id ?? String(this.#nextContentId++);
    if (this.content.has(id)) throw new ConfluenceDomainError("CONFLICT", `content ${id} exists`);
    if (Number(id) >= this.#nextContentId) this.#nextContentId = Number(id) + 1;
    const parentId = input.type === "page" ? (input.parentId ?? null) : null;
    if (parentId) {
      const parent = this.requireContent(parentId);
      if (parent.spaceId !== space.id)
        throw new ConfluenceDomainError("INVALID", "parent is in another space");
    }
    const status = input.status ?? "current";
    this.#titles.assertFree(space.id, input.type, input.title, status, id);
    const createdAt = input.createdAt ?? this.clock.now();
    const authorId = input.authorId ?? "";
    const version = {
      number: input.version ?? 1,
      createdAt: input.lastModified ?? createdAt,
      authorId,
      message: "",
      minorEdit: false,
    };
    const content: Content = {
      id,
      type: input.type,
      status,
      title: input.title,
      spaceId: space.id,
      parentId,
      position: null,
      authorId,
      ownerId: authorId,
      createdAt,
      version,
      history: [version],
      body: input.body ?? "",
      labels: (input.labels ?? []).map((name) => this.#labels.get(name)),
      restrictions: { read: null, update: null },
    };
    this.content.set(id, content);
    this.#contentInSpace.get(space.id)!.push(content);
    this.#titles.add(content);
    if (parentId) this.#attach(content, parentId);
    else if (content.type === "page") content.position = this.#tree.nextRootPosition(space.id);
    if (content.type === "page" && !space.homepageId && !parentId) space.homepageId = id;
    this.#touch();
    return content;
  }

  /** A new version: title and/or body change, lastModified = now. */
  updateContent(
    id: string,
    change: { title?: string; body?: string; authorId?: string; message?: string },
  ): Content {
    const content = this.requireContent(id);
    if (change.title !== undefined && change.title !== content.title) {
      this.#titles.assertFree(content.spaceId, content.type, change.title, content.status, id);
      this.#titles.remove(content);
      content.title = change.title;
      this.#titles.add(content);
    }
    if (change.body !== undefined) content.body = change.body;
    this.#newVersion(content, change.authorId, change.message);
    return content;
  }

  /** Under another parent or in another space; not a new version (docs/fidelity/confluence.md). */
  moveContent(id: string, newParentId: string | null, newSpaceId?: string): Content {
    const content = this.requireContent(id);
    if (content.type !== "page")
      throw new ConfluenceDomainError("INVALID", "only pages can be moved under a parent");
    if (newParentId === id) throw new ConfluenceDomainError("INVALID", "Can not set page as its own parent");
    const spaceId = newSpaceId ?? (newParentId ? this.requireContent(newParentId).spaceId : content.spaceId);
    if (newParentId && this.ancestorsOf(this.requireContent(newParentId)).some((a) => a.id === id)) {
      throw new ConfluenceDomainError("INVALID", "Can not move a page under its own descendant");
    }
    this.#tree.detach(content);
    if (spaceId !== content.spaceId) this.#moveSubtreeToSpace(content, spaceId);
    content.parentId = newParentId;
    if (newParentId) this.#attach(content, newParentId);
    else content.position = this.#tree.nextRootPosition(spaceId);
    // Confluence does not version a move (the v1 move operation takes no version; page history
    // shows none): version and lastModified stay, so CQL `lastmodified` does not see it.
    this.#touch();
    return content;
  }

  /** trash / archive / restore (current) / draft. */
  setStatus(id: string, status: ContentStatus): Content {
    const content = this.requireContent(id);
    if (status === "current" || status === "archived") {
      this.#titles.assertFree(content.spaceId, content.type, content.title, status, id);
    }
    this.#titles.remove(content);
    content.status = status;
    this.#titles.add(content);
    this.#newVersion(content);
    return content;
  }

  /** Removes content for good (purge from trash). Children keep existing, without a parent. */
  purge(id: string): void {
    const content = this.requireContent(id);
    this.#tree.detach(content);
    for (const child of this.childrenOf(id)) child.parentId = null;
    this.#tree.forget(id);
    const list = this.#contentInSpace.get(content.spaceId)!;
    list.splice(list.indexOf(content), 1);
    this.#titles.remove(content);
    this.content.delete(id);
    this.#touch();
  }

  /** Replaces the direct restriction for one operation; null or empty lists remove it. */
  setRestriction(id: string, operation: RestrictionOperation, restriction: Restriction | null): void {
    const content = this.requireContent(id);
    for (const accountId of restriction?.users ?? []) this.requireUser(accountId);
    for (const groupId of restriction?.groups ?? []) this.requireGroup(groupId);
    const empty = !restriction || (restriction.users.length === 0 && restriction.groups.length === 0);
    content.restrictions[operation] = empty
      ? null
      : { users: [...restriction.users], groups: [...restriction.groups] };
    this.#touch();
  }

  addLabel(id: string, name: string): void {
    const content = this.requireContent(id);
    if (!content.labels.some((l) => l.name === name)) content.labels.push(this.#labels.get(name));
    this.#touch();
  }

  removeLabel(id: string, name: string): void {
    const content = this.requireContent(id);
    content.labels = content.labels.filter((l) => l.name !== name);
    this.#touch();
  }

  // ---- internals -----------------------------------------------------------------------------

  #touch(): void {
    this.revision++;
  }

  #newVersion(content: Content, authorId?: string, message = ""): void {
    const version = {
      number: content.version.number + 1,
      createdAt: this.clock.now(),
      authorId: authorId ?? content.version.authorId,
      message,
      minorEdit: false,
    };
    content.version = version;
    content.history.push(version);
    this.#touch();
  }

  #attach(content: Content, parentId: string): void {
    this.#tree.attach(content, parentId, (id) => this.content.get(id)?.position);
  }

  #moveSubtreeToSpace(root: Content, spaceId: string): void {
    this.requireSpace(spaceId);
    const stack = [root];
    while (stack.length) {
      const c = stack.pop()!;
      const from = this.#contentInSpace.get(c.spaceId)!;
      from.splice(from.indexOf(c), 1);
      this.#contentInSpace.get(spaceId)!.push(c);
      this.#titles.remove(c);
      c.spaceId = spaceId;
      this.#titles.add(c);
      stack.push(...this.childrenOf(c.id));
    }
  }
}

/** Whether a space permission grants `key` on `targetType` to exactly this principal. */
function grants(p: SpacePermission, principal: PrincipalRef, key: string, targetType: string): boolean {
  return (
    samePrincipal(p.principal, principal) && p.operation.key === key && p.operation.targetType === targetType
  );
}

function samePrincipal(a: PrincipalRef, b: PrincipalRef): boolean {
  if (a.type === "anonymous" || b.type === "anonymous") return a.type === b.type;
  return a.type === b.type && a.id === b.id;
}
