import type { OAuthRegistry } from "../../simulators/confluence/auth/oauth.ts";
import type { PrincipalRef, Restriction } from "../../simulators/confluence/model.ts";
import { accountIdFor, type SiteSpec, stableUuid } from "../../simulators/confluence/seed.ts";
import type { ConfluenceStore } from "../../simulators/confluence/store.ts";
import type { ConfluenceChange } from "../schema.ts";

/** Short names from the site file (`alice`, `group:eng`) → twin ids, the same way buildSite reads them. */
export class SiteNames {
  readonly #byName = new Map<string, string>();

  constructor(
    readonly store: ConfluenceStore,
    spec: SiteSpec = {},
  ) {
    for (const u of spec.users ?? []) this.#byName.set(u.name, u.accountId ?? accountIdFor(u.name));
  }

  /** A user's accountId from its site-file name, its accountId or its email. */
  user(name: string): string {
    const { store } = this;
    const known = this.#byName.get(name);
    if (known && store.users.has(known)) return known;
    if (store.users.has(name)) return name;
    const derived = accountIdFor(name);
    if (store.users.has(derived)) return derived;
    const byEmail = store.userByEmail(name);
    if (byEmail) return byEmail.accountId;
    throw new Error(`unknown Confluence user "${name}"`);
  }

  /** The site-file name of an accountId (for messages). */
  nameOf(accountId: string): string {
    for (const [name, id] of this.#byName) if (id === accountId) return name;
    return this.store.users.get(accountId)?.displayName ?? accountId;
  }

  principal(ref: string): PrincipalRef {
    if (ref === "anonymous") return { type: "anonymous" };
    const m = /^(user|group):(.*)$/s.exec(ref);
    if (m?.[1] === "user") return { type: "user", id: this.user(m[2]) };
    const name = m?.[2] ?? ref;
    if (!m) {
      try {
        return { type: "user", id: this.user(name) };
      } catch {
        // not a user: fall through to groups
      }
    }
    return { type: "group", id: this.store.requireGroup(name).id };
  }

  restriction(refs: string[] | undefined): Restriction | null {
    if (!refs) return null;
    const ps = refs.map((r) => this.principal(r));
    return {
      users: ps.flatMap((p) => (p.type === "user" ? [p.id] : [])),
      groups: ps.flatMap((p) => (p.type === "group" ? [p.id] : [])),
    };
  }
}

const idOf = (ref: string | { page: string }) => (typeof ref === "string" ? ref : ref.page);

/** Applies one Confluence change to the twin, as an admin (or the user, for consent) would in the UI. */
export function applyConfluenceChange(
  names: SiteNames,
  change: ConfluenceChange,
  oauth: OAuthRegistry,
): string {
  const { store } = names;
  if (change.create) {
    const c = change.create;
    const space = store.requireSpace(c.space);
    const content = store.addContent({
      id: c.id,
      type: c.type ?? "page",
      spaceId: space.id,
      parentId: c.parent ?? null,
      title: c.title,
      body: c.body ?? `<p>${c.title}</p>`,
      labels: c.labels,
      authorId: c.author ? names.user(c.author) : undefined,
    });
    if (c.read) store.setRestriction(content.id, "read", names.restriction(c.read));
    if (c.update) store.setRestriction(content.id, "update", names.restriction(c.update));
    return `created ${content.type} ${content.id} "${content.title}" in ${space.key}`;
  }
  if (change.edit) {
    const { page, author, ...rest } = change.edit;
    store.updateContent(page, { ...rest, authorId: author ? names.user(author) : undefined });
    return `edited ${page}`;
  }
  if (change.move) {
    const { page, parent, space } = change.move;
    const spaceId = space ? store.requireSpace(space).id : undefined;
    store.moveContent(page, parent ?? null, spaceId);
    return `moved ${page} under ${parent ?? "the space root"}`;
  }
  if (change.trash !== undefined) return status(store, idOf(change.trash), "trashed");
  if (change.archive !== undefined) return status(store, idOf(change.archive), "archived");
  if (change.restore !== undefined) return status(store, idOf(change.restore), "current");
  if (change.purge !== undefined) {
    store.purge(idOf(change.purge));
    return `purged ${idOf(change.purge)}`;
  }
  if (change.restrict) {
    const { page, read, update } = change.restrict;
    if (read) store.setRestriction(page, "read", names.restriction(read));
    if (update) store.setRestriction(page, "update", names.restriction(update));
    return `restricted ${page}`;
  }
  if (change.unrestrict) {
    const op = change.unrestrict.operation ?? "all";
    for (const o of op === "all" ? (["read", "update"] as const) : [op])
      store.setRestriction(change.unrestrict.page, o, null);
    return `removed ${op} restrictions from ${change.unrestrict.page}`;
  }
  if (change.label) {
    for (const l of change.label.add ?? []) store.addLabel(change.label.page, l);
    for (const l of change.label.remove ?? []) store.removeLabel(change.label.page, l);
    return `labels of ${change.label.page} changed`;
  }
  if (change.group) {
    const g = change.group;
    if (g.create && !store.groupByName(g.name)) {
      store.addGroup({ id: stableUuid("group", g.name), name: g.name, members: new Set() });
    }
    const group = store.requireGroup(g.name);
    for (const u of g.add ?? []) store.addGroupMember(group.id, names.user(u));
    for (const u of g.remove ?? []) store.removeGroupMember(group.id, names.user(u));
    return `group ${g.name}: +${(g.add ?? []).length} −${(g.remove ?? []).length}`;
  }
  if (change.spacePermission) {
    const sp = change.spacePermission;
    const space = store.requireSpace(sp.space);
    for (const r of sp.grant ?? []) store.grantSpacePermission(space.id, names.principal(r));
    for (const r of sp.revoke ?? []) store.revokeSpacePermission(space.id, names.principal(r));
    return `space ${space.key} view permission changed`;
  }
  if (change.anonymous !== undefined) {
    store.setAnonymousAccess(change.anonymous);
    return `site anonymous access ${change.anonymous ? "on" : "off"}`;
  }
  if (change.hideEmail !== undefined) {
    const h =
      typeof change.hideEmail === "string" ? { user: change.hideEmail, hidden: true } : change.hideEmail;
    store.setEmailVisible(names.user(h.user), !h.hidden);
    return `${h.user}'s email ${h.hidden ? "hidden" : "visible"}`;
  }
  if (change.user) {
    store.setUserActive(names.user(change.user.name), change.user.active);
    return `${change.user.name} ${change.user.active ? "reactivated" : "deactivated"}`;
  }
  if (change.revokeApiTokens !== undefined) {
    store.setApiTokens(names.user(change.revokeApiTokens), []);
    return `${change.revokeApiTokens}'s API tokens revoked`;
  }
  if (change.revokeOAuthGrant !== undefined) {
    oauth.revoke(names.user(change.revokeOAuthGrant));
    return `${change.revokeOAuthGrant} revoked their OAuth consent`;
  }
  throw new Error("empty Confluence change");
}

function status(store: ConfluenceStore, id: string, to: "trashed" | "archived" | "current"): string {
  store.setStatus(id, to);
  return `${id} → ${to}`;
}
