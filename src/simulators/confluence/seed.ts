import { createHash } from "node:crypto";
import type { SimClock } from "../host/clock.ts";
import type { AccountType, ContentStatus, PrincipalRef, SpaceStatus, SpaceType } from "./model.ts";
import { ConfluenceStore } from "./store.ts";

/**
 * A site described with short human names, as scenario fixtures write it. Ids (accountIds, group
 * ids, space and content ids, cloudId) are derived deterministically when omitted.
 *
 * References: users by `name` (or accountId), groups by name, in principal lists as
 * `user:alice`, `group:eng`, `anonymous`, or a bare name (user first, then group).
 */
export interface SiteSpec {
  site?: {
    name?: string;
    cloudId?: string;
    anonymousAccess?: boolean;
    timeZone?: string;
    /** Product-access groups; default ["confluence-users"], created if missing. */
    productAccessGroups?: string[];
  };
  users?: UserSpec[];
  groups?: GroupSpec[];
  spaces?: SpaceSpec[];
}

export interface UserSpec {
  name: string;
  accountId?: string;
  displayName?: string;
  email?: string;
  emailHidden?: boolean;
  guest?: boolean;
  active?: boolean;
  accountType?: AccountType;
  admin?: boolean;
  /** API token for Basic auth; default `token-<name>`. */
  apiToken?: string;
  /** Added to the product-access groups unless false (guests never are). */
  siteAccess?: boolean;
  /** The profile's time zone; default: the site's (Atlassian profiles default to the tenant zone). */
  timeZone?: string;
}

export interface GroupSpec {
  name: string;
  id?: string;
  members?: string[];
}

export interface SpaceSpec {
  key: string;
  name?: string;
  id?: string;
  type?: SpaceType;
  status?: SpaceStatus;
  description?: string;
  /** Who may view the space; default: the product-access groups. */
  view?: string[];
  pages?: PageSpec[];
  blogposts?: BlogPostSpec[];
}

export interface ContentSpecBase {
  title: string;
  id?: string;
  body?: string;
  labels?: string[];
  status?: ContentStatus;
  author?: string;
  created?: string;
  lastModified?: string;
  /** Number of the current version (default 1). */
  version?: number;
  /** View restriction: principals allowed (`user:alice`, `group:eng`). */
  read?: string[];
  /** Edit restriction. */
  update?: string[];
}

export interface PageSpec extends ContentSpecBase {
  children?: PageSpec[];
}

export type BlogPostSpec = ContentSpecBase;

const DEFAULT_PRODUCT_GROUP = "confluence-users";

export function stableUuid(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function accountIdFor(name: string): string {
  return `557058:${stableUuid("user", name)}`;
}

/** Builds a store from a spec. Throws an Error naming the bad reference. */
/** A user's real email: the one in the site file, else `NAME@SITE.example.com`. */
export function userEmail(spec: SiteSpec, user: UserSpec): string {
  return user.email ?? `${user.name}@${spec.site?.name ?? "acme"}.example.com`;
}

export function buildSite(spec: SiteSpec, clock: SimClock): ConfluenceStore {
  const siteName = spec.site?.name ?? "acme";
  const store = new ConfluenceStore(
    {
      name: siteName,
      baseUrl: `https://${siteName}.atlassian.net`,
      cloudId: spec.site?.cloudId ?? stableUuid("cloud", siteName),
      anonymousAccess: spec.site?.anonymousAccess ?? false,
      productAccessGroupIds: [],
      timeZone: spec.site?.timeZone ?? "UTC",
    },
    clock,
  );

  const userIds = new Map<string, string>();
  for (const u of spec.users ?? []) {
    const accountId = u.accountId ?? accountIdFor(u.name);
    userIds.set(u.name, accountId);
    userIds.set(accountId, accountId);
    const displayName = u.displayName ?? titleCase(u.name);
    store.addUser({
      accountId,
      displayName,
      publicName: displayName,
      email: userEmail(spec, u),
      emailVisible: !u.emailHidden,
      accountType: u.accountType ?? "atlassian",
      active: u.active ?? true,
      guest: u.guest ?? false,
      timeZone: u.timeZone ?? spec.site?.timeZone ?? "UTC",
      apiTokens: [u.apiToken ?? `token-${u.name}`],
      admin: u.admin ?? false,
    });
  }
  const userRef = (ref: string) => {
    const id = userIds.get(ref);
    if (!id) throw new Error(`unknown user "${ref}"`);
    return id;
  };

  const productGroups = spec.site?.productAccessGroups ?? [DEFAULT_PRODUCT_GROUP];
  const groupSpecs = [...(spec.groups ?? [])];
  for (const name of productGroups) if (!groupSpecs.some((g) => g.name === name)) groupSpecs.push({ name });
  for (const g of groupSpecs) {
    store.addGroup({
      id: g.id ?? stableUuid("group", g.name),
      name: g.name,
      members: new Set((g.members ?? []).map(userRef)),
    });
  }
  store.site.productAccessGroupIds = productGroups.map((n) => store.requireGroup(n).id);
  for (const u of spec.users ?? []) {
    if (u.guest || u.siteAccess === false) continue;
    for (const gid of store.site.productAccessGroupIds) store.groups.get(gid)!.members.add(userRef(u.name));
  }

  const principal = (ref: string): PrincipalRef => {
    if (ref === "anonymous") return { type: "anonymous" };
    const [kind, name] = ref.includes(":") && /^(user|group):/.test(ref) ? ref.split(/:(.*)/s) : ["", ref];
    if (kind === "user" || (kind === "" && userIds.has(name))) return { type: "user", id: userRef(name) };
    const group = store.groupByName(name) ?? store.groups.get(name);
    if (!group) throw new Error(`unknown user or group "${ref}"`);
    return { type: "group", id: group.id };
  };
  const restriction = (refs: string[] | undefined) => {
    if (!refs) return null;
    const ps = refs.map(principal);
    return {
      users: ps.flatMap((p) => (p.type === "user" ? [p.id] : [])),
      groups: ps.flatMap((p) => (p.type === "group" ? [p.id] : [])),
    };
  };
  const time = (t: string | undefined) => (t === undefined ? undefined : new Date(t).getTime());
  const firstUser = spec.users?.[0] ? userRef(spec.users[0].name) : "";

  for (const s of spec.spaces ?? []) {
    const space = store.addSpace({
      id: s.id,
      key: s.key,
      name: s.name ?? s.key,
      type: s.type ?? "global",
      status: s.status ?? "current",
      authorId: firstUser,
      description: s.description ?? "",
    });
    const viewers = s.view ?? productGroups.map((n) => `group:${n}`);
    for (const ref of viewers) store.grantSpacePermission(space.id, principal(ref));

    const addContent = (c: ContentSpecBase, type: "page" | "blogpost", parentId: string | null) => {
      const created = store.addContent({
        id: c.id,
        type,
        spaceId: space.id,
        parentId,
        title: c.title,
        body: c.body ?? `<p>${escapeXml(c.title)}</p>`,
        labels: c.labels,
        status: c.status,
        authorId: c.author ? userRef(c.author) : firstUser,
        createdAt: time(c.created),
        lastModified: time(c.lastModified ?? c.created),
        version: c.version,
      });
      store.setRestriction(created.id, "read", restriction(c.read));
      store.setRestriction(created.id, "update", restriction(c.update));
      return created;
    };
    const addTree = (pages: PageSpec[], parentId: string | null) => {
      for (const p of pages) {
        const page = addContent(p, "page", parentId);
        addTree(p.children ?? [], page.id);
      }
    };
    addTree(s.pages ?? [], null);
    for (const b of s.blogposts ?? []) addContent(b, "blogpost", null);
  }
  return store;
}

function titleCase(name: string): string {
  return name
    .split(/[._-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
}
