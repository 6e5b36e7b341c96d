import { createHash } from "node:crypto";
import type { components } from "../generated/v1.ts";
import type { Content, RestrictionOperation, Space, SpacePermission, Version } from "../model.ts";
import { iso, uiLinks } from "./links.ts";
import { adfOf, storageToView } from "./storage.ts";
import { renderGroup, renderUser } from "./v1-people.ts";
import { friendly, type V1View } from "./v1-view.ts";

/**
 * v1 restrictions, spaces and content (base `/wiki/rest/api`), typed by the v1 spec so the compiler checks them, and
 * with the keys confluence.js requires (`_expandable`, `_links`, `email: ""` …); see docs/fidelity/.
 */
type S = components["schemas"];

// ---- restrictions ----------------------------------------------------------------------------------

/**
 * One operation's direct restriction (never inherited ones); unrestricted = empty result arrays.
 * `start`/`limit` page the users and the groups alike (spec: "the starting index of the users and
 * groups in the returned restrictions"); `restrictions.user` carries `totalSize` ([CJS]).
 */
export function renderRestriction(
  view: V1View,
  content: Content,
  operation: RestrictionOperation,
  paging: { start: number; limit: number } = { start: 0, limit: 100 },
): S["ContentRestriction"] {
  const { store, base } = view;
  const { start, limit } = paging;
  const r = content.restrictions[operation];
  const users = (r?.users ?? []).flatMap((id) => store.users.get(id) ?? []);
  const groups = (r?.groups ?? []).flatMap((id) => store.groups.get(id) ?? []);
  const userPage = users.slice(start, start + limit);
  const groupPage = groups.slice(start, start + limit);
  const user: S["UserArray"] & { totalSize: number } = {
    results: userPage.map((u) => renderUser(base, u)),
    start,
    limit,
    size: userPage.length,
    totalSize: users.length,
    _links: {},
  };
  return {
    operation,
    restrictions: {
      user,
      group: {
        results: groupPage.map((g) => renderGroup(base, g)),
        start,
        limit,
        size: groupPage.length,
      },
    },
    _expandable: { content: `/rest/api/content/${content.id}` },
    _links: {
      base,
      context: "/wiki",
      self: `${base}/rest/api/content/${content.id}/restriction/byOperation/${operation}`,
    },
  };
}

/** A stable digest of the content's restrictions (`restrictionsHash`), changing whenever they do. */
export function restrictionsHash(content: Content): string {
  const { read, update } = content.restrictions;
  const canon = JSON.stringify({
    read: read ? { u: [...read.users].sort(), g: [...read.groups].sort() } : null,
    update: update ? { u: [...update.users].sort(), g: [...update.groups].sort() } : null,
  });
  return createHash("sha256").update(canon).digest("hex");
}

// ---- spaces ----------------------------------------------------------------------------------------

const SPACE_EXPANDABLE = [
  "settings",
  "metadata",
  "operations",
  "lookAndFeel",
  "permissions",
  "icon",
  "description",
  "theme",
  "history",
  "homepage",
  "identifiers",
  "roles",
  "typeSettings",
] as const;

export function renderSpace(view: V1View, space: Space, single: boolean): NonNullable<S["Space"]> {
  const { store, base, expand } = view;
  const expandable: Record<string, string> = {};
  for (const k of SPACE_EXPANDABLE) expandable[k] = "";
  expandable.settings = `/rest/api/space/${space.key}/settings`;
  expandable.lookAndFeel = `/settings/lookandfeel?spaceKey=${space.key}`;
  expandable.theme = `/rest/api/space/${space.key}/theme`;
  const out: NonNullable<S["Space"]> & { alias?: string; ari?: string } = {
    id: Number(space.id),
    key: space.key,
    alias: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    ari: `ari:cloud:confluence:${store.site.cloudId}:space/${space.id}`,
    _expandable: expandable,
    _links: {
      webui: `/spaces/${space.key}`,
      self: `${base}/rest/api/space/${space.key}`,
      ...(single ? { base, context: "/wiki", collection: "/rest/api/space" } : {}),
    },
  };
  if (expand.has("permissions")) {
    out.permissions = space.permissions.map((p) => renderSpacePermission(view, p));
    delete expandable.permissions;
  }
  if (expand.has("description")) {
    out.description = {
      plain: { value: space.description, representation: "plain", embeddedContent: [] },
      _expandable: { view: "" },
    };
    delete expandable.description;
  }
  if (expand.has("icon")) {
    out.icon = { path: "/images/logo/default-space-logo.svg", width: 48, height: 48, isDefault: true };
    delete expandable.icon;
  }
  if (expand.has("homepage") && space.homepageId) {
    const home = store.content.get(space.homepageId);
    if (home) out.homepage = renderContent({ ...view, expand: expand.under("homepage") }, home, false);
    delete expandable.homepage;
  }
  if (expand.has("history")) {
    const author = store.users.get(space.authorId);
    out.history = {
      createdDate: iso(space.createdAt),
      ...(author ? { createdBy: renderUser(base, author) } : {}),
    };
    delete expandable.history;
  }
  return out;
}

/** v1 SpacePermission: anonymous grants are `anonymousAccess: true` entries with no subjects. */
export function renderSpacePermission(view: V1View, p: SpacePermission): S["SpacePermission"] {
  const operation = {
    operation: p.operation.key as S["OperationCheckResult"]["operation"],
    targetType: p.operation.targetType,
  };
  const common = { id: Number(p.id), operation, unlicensedAccess: false };
  const pr = p.principal;
  if (pr.type === "anonymous") return { ...common, anonymousAccess: true };
  const subjects: NonNullable<S["SpacePermission"]["subjects"]> = { _expandable: {} };
  if (pr.type === "user") {
    const user = view.store.users.get(pr.id);
    subjects.user = { results: user ? [renderUser(view.base, user)] : [], size: user ? 1 : 0 };
  } else {
    const group = view.store.groups.get(pr.id);
    subjects.group = { results: group ? [renderGroup(view.base, group)] : [], size: group ? 1 : 0 };
  }
  return { ...common, subjects, anonymousAccess: false };
}

// ---- content ---------------------------------------------------------------------------------------

export function contentLinks(view: V1View, content: Content, single: boolean): S["GenericLinks"] {
  const ui = uiLinks(content, view.store.spaces.get(content.spaceId)?.key ?? "");
  return {
    self: `${view.base}/rest/api/content/${content.id}`,
    webui: ui.webui,
    editui: ui.editui,
    edituiv2: ui.edituiv2,
    tinyui: ui.tinyui,
    ...(single ? { collection: "/rest/api/content", base: view.base, context: "/wiki" } : {}),
  };
}

function renderVersion(view: V1View, content: Content, v: Version): NonNullable<S["Version"]> {
  const by = view.store.users.get(v.authorId);
  return {
    ...(by ? { by: renderUser(view.base, by) } : {}),
    when: iso(v.createdAt),
    friendlyWhen: friendly(v.createdAt, view.store.clock.now()),
    message: v.message,
    number: v.number,
    minorEdit: v.minorEdit,
    contentTypeModified: false,
    _expandable: { content: `/rest/api/content/${content.id}`, collaborators: "" },
    _links: { self: `${view.base}/rest/api/content/${content.id}/version/${v.number}` },
  };
}

/**
 * A v1 Content object with the requested expansions: body.storage / body.view, version, space,
 * ancestors, history (+ history.lastUpdated), metadata.labels, restrictions.read/update
 * (.restrictions.user/.group), children.page. Everything else is listed under `_expandable`.
 */
export function renderContent(view: V1View, content: Content, single: boolean): NonNullable<S["Content"]> {
  const { store, base, expand } = view;
  const space = store.spaces.get(content.spaceId);
  const id = content.id;
  const expandable: Record<string, string> = {
    childTypes: "",
    container: `/rest/api/space/${space?.key ?? ""}`,
    metadata: "",
    operations: "",
    children: `/rest/api/content/${id}/child`,
    restrictions: `/rest/api/content/${id}/restriction/byOperation`,
    history: `/rest/api/content/${id}/history`,
    ancestors: "",
    body: "",
    version: "",
    descendants: `/rest/api/content/${id}/descendant`,
    space: `/rest/api/space/${space?.key ?? ""}`,
    extensions: "",
  };
  const out: NonNullable<S["Content"]> = {
    id,
    type: content.type,
    status: content.status,
    title: content.title,
    macroRenderedOutput: {},
  };
  // Expanded members leave `_expandable`; it is built without them at the end rather than by
  // `delete`, which turns the object into a slow dictionary for JSON.stringify (a listing renders 250).
  const taken = new Set<string>();
  const take = (key: string) => taken.add(key);

  if (expand.has("space") && space) {
    out.space = renderSpace({ ...view, expand: expand.under("space") }, space, false);
    take("space");
  }
  if (expand.has("version")) {
    out.version = renderVersion(view, content, content.version);
    take("version");
  }
  if (expand.has("history")) {
    const creator = store.users.get(content.authorId);
    const first = content.history[0] ?? content.version;
    const previous = content.history.at(-2);
    const history: NonNullable<S["ContentHistory"]> = {
      latest: true,
      ...(creator ? { createdBy: renderUser(base, creator) } : {}),
      createdDate: iso(first.createdAt ?? content.createdAt),
      _expandable: { lastUpdated: "", previousVersion: "", contributors: "", nextVersion: "" },
      _links: { self: `${base}/rest/api/content/${id}/history` },
    };
    if (expand.has("history.lastUpdated")) {
      history.lastUpdated = renderVersion(view, content, content.version);
      delete history._expandable?.lastUpdated;
    }
    if (expand.has("history.previousVersion") && previous) {
      history.previousVersion = renderVersion(view, content, previous);
      delete history._expandable?.previousVersion;
    }
    out.history = history;
    take("history");
  }
  if (expand.has("ancestors")) {
    out.ancestors = store
      .ancestorsOf(content)
      .map((a) => renderContent({ ...view, expand: expand.under("ancestors") }, a, false));
    take("ancestors");
  }
  if (expand.has("body")) {
    const body: NonNullable<NonNullable<S["Content"]>["body"]> = {
      _expandable: {
        editor: "",
        atlas_doc_format: "",
        view: "",
        export_view: "",
        styled_view: "",
        dynamic: "",
        storage: "",
        editor2: "",
        anonymous_export_view: "",
      },
    };
    for (const rep of [
      "storage",
      "view",
      "export_view",
      "styled_view",
      "anonymous_export_view",
      "atlas_doc_format",
    ] as const) {
      if (!expand.has(`body.${rep}`)) continue;
      const value =
        rep === "storage"
          ? content.body
          : rep === "atlas_doc_format"
            ? adfOf(content)
            : storageToView(content.body);
      body[rep] = {
        value,
        representation: rep,
        embeddedContent: [],
        _expandable: { content: `/rest/api/content/${id}` },
      };
      delete body._expandable?.[rep];
    }
    out.body = body;
    take("body");
  }
  if (expand.has("metadata")) {
    const metadata: NonNullable<S["ContentMetadata"]> = {
      _expandable: { currentuser: "", comments: "", simple: "", properties: "", frontend: "", likes: "" },
    };
    if (expand.has("metadata.labels")) {
      metadata.labels = {
        results: content.labels.map((l) => ({ prefix: l.prefix, name: l.name, id: l.id, label: l.name })),
        start: 0,
        limit: 200,
        size: content.labels.length,
        _links: { self: `${base}/rest/api/content/${id}/label` },
      };
    } else {
      (metadata._expandable as Record<string, string>).labels = `/rest/api/content/${id}/label`;
    }
    out.metadata = metadata;
    take("metadata");
  }
  if (expand.has("restrictions")) {
    const sub = expand.under("restrictions");
    const restrictions: NonNullable<NonNullable<S["Content"]>["restrictions"]> = {
      _expandable: {},
      _links: { self: `${base}/rest/api/content/${id}/restriction/byOperation` },
    };
    for (const op of ["read", "update"] as const) {
      if (sub.has(op)) restrictions[op] = renderRestriction(view, content, op);
      else (restrictions._expandable as Record<string, string>)[op] = "";
    }
    out.restrictions = restrictions;
    take("restrictions");
  }
  if (expand.has("children")) {
    const children: NonNullable<S["ContentChildren"]> = {
      _expandable: {
        attachment: `/rest/api/content/${id}/child/attachment`,
        comment: `/rest/api/content/${id}/child/comment`,
        page: `/rest/api/content/${id}/child/page`,
      },
      _links: { self: `${base}/rest/api/content/${id}/child` },
    };
    if (expand.has("children.page")) {
      const viewer = view.canView;
      const pages = store
        .childrenOf(id)
        .filter((c) => c.status === "current" && (!viewer || viewer(c)))
        .map((c) => renderContent({ ...view, expand: expand.under("children.page") }, c, false));
      children.page = {
        results: pages,
        start: 0,
        limit: 25,
        size: pages.length,
        _links: { self: `${base}/rest/api/content/${id}/child/page` },
      };
      delete children._expandable?.page;
    }
    out.children = children;
    take("children");
  }
  if (expand.has("extensions")) {
    // Sibling order (the spec types `extensions` as an empty object; real pages carry `position`).
    (out as Record<string, unknown>).extensions =
      content.position === null ? {} : { position: content.position };
    take("extensions");
  }
  out._expandable = without(expandable, taken);
  out._links = contentLinks(view, content, single);
  return out;
}

/** The record without the given keys, the others in their order. */
function without(record: Record<string, string>, keys: ReadonlySet<string>): Record<string, string> {
  if (keys.size === 0) return record;
  const out: Record<string, string> = {};
  for (const key in record) if (!keys.has(key)) out[key] = record[key];
  return out;
}
