import { listPage } from "../host/admin-window.ts";
import { type AdminRegistry, json } from "../host/types.ts";
import type { Content, PrincipalRef, Restriction, Space } from "./model.ts";
import { isRestricted } from "./model.ts";
import { AccessEvaluator } from "./permissions.ts";
import type { ConfluenceStore } from "./store.ts";
import type { ConfluenceTwin } from "./twin.ts";

/**
 * Read-only views of the Confluence twin's state for people (the inspector) and scripts, under
 * `/_sim/confluence/`: names instead of ids, restrictions with what they inherit, who can view.
 *
 * - `GET /_sim/confluence/spaces` → site switches and each space's permissions and anonymous access
 * - `GET /_sim/confluence/pages?space=KEY&offset=&limit=&find=ID` → the space's page tree in tree
 *   order (depth, own and inherited read restrictions), then its blog posts; `find` also returns
 *   that content's row index
 * - `GET /_sim/confluence/page?id=ID` → one page: restrictions, ancestors, and who can view it
 * - `GET /_sim/confluence/people` → users (hidden emails, guests, admins, groups) and groups
 */
export function installConfluenceInspection(host: AdminRegistry, twin: ConfluenceTwin): void {
  host.admin("GET", "/_sim/confluence/spaces", () => json(spacesView(twin.store)));
  host.admin("GET", "/_sim/confluence/pages", ({ query }) => {
    const space =
      twin.store.spaceByKey(query.get("space") ?? "") ?? twin.store.spaces.get(query.get("space") ?? "");
    if (!space) return json({ error: `no space ${query.get("space") ?? "(give ?space=KEY)"}` }, 404);
    const rows = treeOrder(twin.store, space);
    const find = query.get("find");
    const listed = listPage(query, rows);
    if ("error" in listed) return json(listed, 400);
    return json({
      space: space.key,
      total: listed.total,
      offset: listed.offset,
      rows: listed.page.map((r) => pageRow(twin.store, r.content, r.depth)),
      ...(find ? { index: rows.findIndex((r) => r.content.id === find) } : {}),
    });
  });
  host.admin("GET", "/_sim/confluence/page", ({ query }) => {
    const content = twin.store.content.get(query.get("id") ?? "");
    if (!content) return json({ error: `no page or blog post ${query.get("id") ?? "(give ?id=)"}` }, 404);
    return json(pageDetail(twin.store, content));
  });
  host.admin("GET", "/_sim/confluence/people", () => json(peopleView(twin.store)));
}

function spacesView(store: ConfluenceStore) {
  return {
    site: {
      name: store.site.name,
      baseUrl: store.site.baseUrl,
      anonymousAccess: store.site.anonymousAccess,
      productAccessGroups: store.site.productAccessGroupIds.map((id) => store.groups.get(id)?.name ?? id),
    },
    spaces: [...store.spaces.values()].map((space) => {
      const content = store.contentInSpace(space.id);
      const anonymousGrant = space.permissions.some(
        (p) =>
          p.principal.type === "anonymous" &&
          p.operation.key === "read" &&
          p.operation.targetType === "space",
      );
      return {
        id: space.id,
        key: space.key,
        name: space.name,
        type: space.type,
        status: space.status,
        anonymous: { granted: anonymousGrant, effective: anonymousGrant && store.site.anonymousAccess },
        permissions: space.permissions.map((p) => ({
          principal: principalName(store, p.principal),
          type: p.principal.type,
          operation: `${p.operation.key} ${p.operation.targetType}`,
        })),
        pages: content.filter((c) => c.type === "page").length,
        blogposts: content.filter((c) => c.type === "blogpost").length,
        restricted: content.filter((c) => isRestricted(c.restrictions.read)).length,
      };
    }),
  };
}

/** Pages depth-first in position order from the space's roots, then blog posts; nothing left out. */
function treeOrder(store: ConfluenceStore, space: Space): { content: Content; depth: number }[] {
  const all = store.contentInSpace(space.id);
  const out: { content: Content; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (content: Content, depth: number) => {
    if (seen.has(content.id)) return;
    seen.add(content.id);
    out.push({ content, depth });
    for (const child of store.childrenOf(content.id)) visit(child, depth + 1);
  };
  const roots = all
    .filter((c) => c.type === "page" && (c.parentId === null || !store.content.has(c.parentId)))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const root of roots) visit(root, 0);
  for (const c of all) if (c.type === "blogpost") visit(c, 0);
  for (const c of all) visit(c, 0);
  return out;
}

function pageRow(store: ConfluenceStore, content: Content, depth: number) {
  const inherited = store
    .ancestorsOf(content)
    .filter((a) => isRestricted(a.restrictions.read))
    .map((a) => ({ id: a.id, title: a.title, read: restrictionNames(store, a.restrictions.read) }));
  return {
    id: content.id,
    type: content.type,
    title: content.title,
    status: content.status,
    depth,
    parentId: content.parentId,
    children: content.type === "page" ? store.childrenOf(content.id).length : 0,
    read: restrictionNames(store, content.restrictions.read),
    update: restrictionNames(store, content.restrictions.update),
    inherited,
  };
}

function pageDetail(store: ConfluenceStore, content: Content) {
  const space = store.spaces.get(content.spaceId);
  const anonymous = new AccessEvaluator(store, { type: "anonymous" }).explain(content);
  const viewers = [...store.users.values()]
    .filter(
      (u) =>
        u.active && new AccessEvaluator(store, { type: "user", accountId: u.accountId }).canView(content),
    )
    .map((u) => u.displayName);
  return {
    ...pageRow(store, content, store.ancestorsOf(content).length),
    space: space?.key ?? content.spaceId,
    ancestors: store.ancestorsOf(content).map((a) => ({ id: a.id, title: a.title })),
    version: content.version.number,
    labels: content.labels.map((l) => l.name),
    anonymous: { allowed: anonymous.allowed, reasons: anonymous.reasons },
    viewers,
  };
}

function peopleView(store: ConfluenceStore) {
  return {
    users: [...store.users.values()].map((u) => ({
      accountId: u.accountId,
      displayName: u.displayName,
      email: u.email,
      emailVisible: u.emailVisible,
      accountType: u.accountType,
      active: u.active,
      guest: u.guest,
      admin: u.admin,
      groups: store.groupsOf(u.accountId).map((g) => g.name),
    })),
    groups: [...store.groups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      productAccess: store.site.productAccessGroupIds.includes(g.id),
      members: [...g.members].map((id) => store.users.get(id)?.displayName ?? id),
    })),
  };
}

function restrictionNames(store: ConfluenceStore, r: Restriction | null) {
  if (!isRestricted(r)) return null;
  return {
    users: r.users.map((id) => store.users.get(id)?.displayName ?? id),
    groups: r.groups.map((id) => store.groups.get(id)?.name ?? id),
  };
}

function principalName(store: ConfluenceStore, p: PrincipalRef): string {
  if (p.type === "anonymous") return "anonymous";
  if (p.type === "group") return store.groups.get(p.id)?.name ?? p.id;
  return store.users.get(p.id)?.displayName ?? p.id;
}
