import type { PageInput, SiteFile } from "../../fixture-formats/site-schema.ts";
import {
  noteBlindSpot,
  type RawContent,
  type RawPrincipal,
  type RawRestriction,
  type RawSite,
} from "../raw.ts";

/**
 * A RawSite as a site file (src/fixture-formats/site-schema.ts) that cgsim loads unchanged: ids, emails
 * (case and whitespace as the API gave them), hidden emails, guests, product access, the tree,
 * restrictions, labels, versions and timestamps. Short names are derived from emails or display
 * names; every reference is written `user:NAME` / `group:NAME` so it cannot be misread.
 */

const SPACE_TYPES = new Set(["global", "personal", "collaboration", "knowledge_base"]);
const CONTENT_STATUSES = new Set(["current", "archived", "trashed", "draft", "deleted"]);

type SiteUser = NonNullable<SiteFile["users"]>[number];
type SiteSpaceInput = {
  key: string;
  name?: string;
  id?: string;
  type?: "global" | "personal" | "collaboration" | "knowledge_base";
  status?: "current" | "archived";
  description?: string;
  view?: string[];
  pages?: PageInput[];
  blogposts?: PageInput[];
};

export interface SiteFileInput {
  site: NonNullable<SiteFile["site"]>;
  users: SiteUser[];
  groups: Array<{ name: string; id: string; members: string[] }>;
  spaces: SiteSpaceInput[];
}

export function toSiteFile(raw: RawSite): SiteFileInput {
  const userNames = uniqueNames(
    Object.values(raw.users).map((u) => [u.accountId, u.email.trim().split("@")[0] || u.displayName]),
  );
  const groups = Object.values(raw.groups);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const product = groups.filter((g) => g.productAccess);
  const inProduct = new Set(product.flatMap((g) => g.members ?? []));
  const productKnown = product.length > 0 && product.every((g) => g.members !== null);

  const users: SiteUser[] = Object.values(raw.users).map((u) => {
    const out: SiteUser = {
      name: userNames.get(u.accountId)!,
      accountId: u.accountId,
      displayName: u.displayName,
      email: u.email,
    };
    if (u.emailHidden) out.emailHidden = true;
    if (u.guest) out.guest = true;
    if (!u.active) out.active = false;
    if (u.accountType !== "atlassian") out.accountType = u.accountType;
    if (u.timeZone) out.timeZone = u.timeZone;
    if (productKnown && !u.guest && !inProduct.has(u.accountId)) out.siteAccess = false;
    // The capturing account is the replay's crawl account (cgsim takes the first admin).
    if (u.accountId === raw.account.accountId) out.admin = true;
    return out;
  });
  users.sort((a, b) => Number(b.admin ?? false) - Number(a.admin ?? false));

  const ref = (p: RawPrincipal): string | undefined => {
    if (p.type === "anonymous") return "anonymous";
    if (p.type === "user") return userNames.has(p.id) ? `user:${userNames.get(p.id)}` : undefined;
    return groupName.has(p.id) ? `group:${groupName.get(p.id)}` : undefined;
  };
  const restriction = (r: RawRestriction | null | undefined): string[] | undefined => {
    if (!r) return undefined;
    const refs = [
      ...r.users.map((id) => ref({ type: "user", id })),
      ...r.groups.map((id) => ref({ type: "group", id })),
    ].filter((x): x is string => x !== undefined);
    // A restriction whose principals are all unknown still restricts: keep it, naming nobody known.
    return refs;
  };

  const children = new Map<string, RawContent[]>();
  const roots = new Map<string, RawContent[]>();
  const blogs = new Map<string, RawContent[]>();
  for (const c of Object.values(raw.content)) {
    if (!CONTENT_STATUSES.has(c.status)) continue;
    if (c.type === "blogpost") push(blogs, c.spaceId, c);
    else if (c.parentId && raw.content[c.parentId]) push(children, c.parentId, c);
    else push(roots, c.spaceId, c);
  }
  const content = (c: RawContent): PageInput => {
    const out: PageInput = { title: c.title, id: c.id };
    if (c.status !== "current") out.status = c.status as PageInput["status"];
    if (c.body !== undefined) out.body = c.body;
    if (c.labels?.length) out.labels = c.labels;
    const author = c.authorId ? userNames.get(c.authorId) : undefined;
    if (author) out.author = author;
    if (c.createdAt) out.created = c.createdAt;
    if (c.version?.createdAt) out.lastModified = c.version.createdAt;
    if (c.version && c.version.number > 1) out.version = c.version.number;
    const read = restriction(c.read);
    if (read) out.read = read;
    const update = restriction(c.update);
    if (update) out.update = update;
    const kids = sorted(children.get(c.id) ?? []).map(content);
    if (kids.length) out.children = kids;
    return out;
  };

  const spaces = raw.spaces.map((s) => {
    const out: SiteSpaceInput = { key: s.key, name: s.name, id: s.id };
    if (SPACE_TYPES.has(s.type)) out.type = s.type as SiteSpaceInput["type"];
    else
      noteBlindSpot(raw.blindSpots, {
        kind: "assumed",
        subject: s.key,
        detail: `space ${s.key} has type ${s.type}, captured as global (types do not change who may view)`,
      });
    if (s.status === "archived") out.status = "archived";
    if (s.description) out.description = s.description;
    if (s.view) out.view = s.view.map(ref).filter((x): x is string => x !== undefined);
    const pages = sorted(roots.get(s.id) ?? []).map(content);
    if (pages.length) out.pages = pages;
    const posts = sorted(blogs.get(s.id) ?? []).map(content);
    if (posts.length) out.blogposts = posts;
    return out;
  });

  const site: SiteFileInput["site"] = { name: raw.name, anonymousAccess: raw.anonymousAccess ?? false };
  if (raw.cloudId) site.cloudId = raw.cloudId;
  if (product.length) site.productAccessGroups = product.map((g) => g.name);
  const userName = (id: string) => userNames.get(id);
  return {
    site,
    users,
    groups: groups.map((g) => ({
      name: g.name,
      id: g.id,
      members: (g.members ?? []).map(userName).filter((x): x is string => x !== undefined),
    })),
    spaces,
  };
}

/** Short names from emails or display names: lowercase, [a-z0-9._-], unique (suffix -2, -3 …). */
function uniqueNames(entries: Array<[string, string]>): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const [id, base] of entries) {
    const slug =
      base
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, "-")
        .replace(/^-+|-+$/g, "") || "user";
    let name = slug;
    for (let n = 2; used.has(name); n++) name = `${slug}-${n}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sorted(list: RawContent[]): RawContent[] {
  return [...list].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id));
}
