import { forEachConcurrent } from "../http.ts";
import { noteBlindSpot, type RawPrincipal, type RawSite, type RawSpace } from "../raw.ts";
import type { StateFile } from "../state.ts";
import {
  apiUrl,
  type ConfluenceAccess,
  listAll,
  V1,
  type V1Content,
  type V1SpacePermission,
  type V1User,
  V2,
  type V2Content,
  type V2Space,
  type V2SpacePermission,
} from "./api.ts";
import {
  type ContentOptions,
  fillDetails,
  listSpaceContent,
  rawContent,
  SEARCH_EXPAND,
  searchDetails,
  searchSpaceDetails,
} from "./content.ts";
import { addUser, capturePeople } from "./people.ts";

/**
 * `cgsim capture confluence`: reads a Confluence Cloud site through its public REST API (GETs
 * only) into a RawSite, unit by unit so an interrupted capture resumes where it stopped.
 */

export interface ConfluenceCaptureOptions {
  /** Space keys to capture; all visible spaces when neither this nor `cql` is given. */
  spaces?: string[];
  /** Only content this CQL matches (plus its ancestors, whose restrictions are inherited). */
  cql?: string;
  bodies?: boolean;
  productAccessGroups?: string[];
  /** accountId → email, from the organisation's user export, for emails hidden by profile visibility. */
  userEmails?: ReadonlyMap<string, string>;
  /** The Basic-auth email: the capturing account's address even when its profile hides it. */
  accountEmail?: string;
  progress?: (message: string) => void;
}

export async function captureConfluence(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  options: ConfluenceCaptureOptions = {},
): Promise<RawSite> {
  const raw = state.data;
  const progress = options.progress ?? (() => {});
  const emails = options.userEmails ?? new Map<string, string>();
  const contentOptions: ContentOptions = { bodies: options.bodies ?? false, emails, progress };

  if (!state.isDone("account")) {
    const me = await access.http.getJson<V1User & { _links?: { base?: string; self?: string } }>(
      apiUrl(access, `${V1}/user/current`),
      access.headers,
    );
    if (!me.body?.accountId || me.body.type === "anonymous")
      throw new Error(
        "Confluence did not accept the credentials (/wiki/rest/api/user/current answered as anonymous)",
      );
    addUser(raw, me.body, emails);
    raw.account = { accountId: me.body.accountId, email: me.body.email || options.accountEmail || "" };
    // The site's own name (`_links` name the real site even through a proxy or the gateway).
    const link = me.body._links?.base ?? me.body._links?.self;
    const host = link ? URL.parse(link)?.hostname : undefined;
    if (host?.endsWith(".atlassian.net")) raw.name = host.slice(0, -".atlassian.net".length);
    state.done("account");
  }
  if (!state.isDone("site")) {
    await probeSite(access, raw);
    state.done("site");
  }

  progress("spaces");
  if (!state.isDone("spaces")) {
    raw.spaces = await listSpaces(access, state, raw, options);
    state.done("spaces");
  }
  await forEachConcurrent(raw.spaces, (space) => spacePermissions(access, state, space), 4);
  if (raw.spaces.some((s) => s.view?.some((p) => p.type === "anonymous")) && raw.anonymousAccess === null)
    noteBlindSpot(raw.blindSpots, {
      kind: "anonymousUnknown",
      detail: "the site's anonymous-access switch could not be read; captured as off",
    });

  if (options.cql) await captureByCql(access, state, options.cql, contentOptions);
  else
    for (const space of raw.spaces) {
      await listSpaceContent(access, state, space, contentOptions);
      await searchSpaceDetails(access, state, space, contentOptions);
    }
  await fillDetails(access, state, contentOptions);

  for (const c of Object.values(raw.content)) {
    if (c.parentId && !raw.content[c.parentId])
      noteBlindSpot(raw.blindSpots, {
        kind: "parentNotVisible",
        subject: c.id,
        detail: `${c.type} ${c.id}: parent ${c.parentType ?? "content"} ${c.parentId} not visible to the capturing account; placed at the space root (its restrictions are lost)`,
      });
  }
  progress("users and groups");
  await capturePeople(access, state, { productAccessGroups: options.productAccessGroups, emails, progress });
  state.flush();
  return raw;
}

/** cloudId (tenant_info) and the site-wide anonymous switch, both asked without credentials. */
async function probeSite(access: ConfluenceAccess, raw: RawSite): Promise<void> {
  const tenant = await access.http.getJson<{ cloudId?: string }>(
    `${access.siteUrl}/_edge/tenant_info`,
    {},
    [401, 403, 404],
  );
  if (tenant.body?.cloudId) raw.cloudId = tenant.body.cloudId;
  // Without credentials /user/current answers as the anonymous user when the site allows
  // anonymous access, and 401/403 when it does not (confluence-api §5.1).
  const anon = await access.http.getJson<V1User>(`${access.siteUrl}${V1}/user/current`, {}, [401, 403, 404]);
  raw.anonymousAccess =
    anon.status === 200 ? anon.body?.type === "anonymous" : anon.status === 404 ? null : false;
}

async function listSpaces(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  raw: RawSite,
  options: ConfluenceCaptureOptions,
): Promise<RawSpace[]> {
  const found: V2Space[] = [];
  const keys = options.spaces ?? [];
  const chunks = keys.length
    ? chunk(keys, 200).map((k) => k.map((x) => `keys=${encodeURIComponent(x)}`).join("&"))
    : [""];
  for (const [i, filter] of chunks.entries())
    await listAll<V2Space>(
      access,
      state,
      `spaces:list:${i}`,
      `${V2}/spaces?limit=250&status=current&status=archived${filter ? `&${filter}` : ""}`,
      (page) => found.push(...page),
    );
  for (const key of keys)
    if (!found.some((s) => s.key.toLowerCase() === key.toLowerCase()))
      noteBlindSpot(raw.blindSpots, {
        kind: "notVisible",
        subject: key,
        detail: `space ${key} is not visible to the capturing account`,
      });
  return found.map((s) => ({
    id: s.id,
    key: s.key,
    name: s.name,
    type: s.type,
    status: s.status,
    description: s.description?.plain?.value ?? "",
    view: null,
  }));
}

/** Who may view the space: v2 permission assignments, and v1's `anonymousAccess` flag. */
async function spacePermissions(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  space: RawSpace,
): Promise<void> {
  const unit = `permissions:${space.id}`;
  if (state.isDone(unit)) return;
  const raw = state.data;
  const view = new Map<string, RawPrincipal>();
  const add = (p: RawPrincipal) => view.set(p.type === "anonymous" ? "anonymous" : `${p.type}:${p.id}`, p);
  const refused = await listAll<V2SpacePermission>(
    access,
    state,
    `${unit}:v2`,
    `${V2}/spaces/${space.id}/permissions?limit=250`,
    (page) => {
      for (const p of page) {
        if (p.operation?.key !== "read" || p.operation.targetType !== "space") continue;
        const type = p.principal?.type;
        if ((type === "user" || type === "group") && p.principal?.id) add({ type, id: p.principal.id });
        else if (type === "anonymous") add({ type: "anonymous" });
      }
    },
    [401, 403, 404],
  );
  // Anonymous view is a v1 concept (`anonymousAccess: true` entries); v2 has no documented form.
  const v1 = await access.http.getJson<{ permissions?: V1SpacePermission[] }>(
    apiUrl(access, `${V1}/space/${encodeURIComponent(space.key)}?expand=permissions`),
    access.headers,
    [401, 403, 404, 410],
  );
  if (
    v1.body?.permissions?.some(
      (p) => p.anonymousAccess && p.operation?.operation === "read" && p.operation.targetType === "space",
    )
  )
    add({ type: "anonymous" });
  if (refused) {
    noteBlindSpot(raw.blindSpots, {
      kind: "permissionsUnreadable",
      subject: space.key,
      detail: `space ${space.key}: permissions not readable (HTTP ${refused}); captured as the product-access groups`,
    });
    space.view = null;
  } else space.view = [...view.values()];
  if (v1.status !== 200 && !refused)
    noteBlindSpot(raw.blindSpots, {
      kind: "anonymousUnknown",
      subject: space.key,
      detail: `space ${space.key}: v1 space permissions answered HTTP ${v1.status}; anonymous access taken from v2 only`,
    });
  state.done(unit);
}

/** Content matched by a CQL filter, plus every ancestor (their restrictions are inherited). */
async function captureByCql(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  cql: string,
  options: ContentOptions,
): Promise<void> {
  const raw = state.data;
  const wanted = { page: new Set<string>(), blogpost: new Set<string>() };
  const hits: V1Content[] = [];
  const unit = "cql:ids";
  if (!state.isDone(unit)) {
    // The hits are kept in memory only: an interrupted search starts again.
    delete state.state.units["cql:search"];
    await searchDetails(
      access,
      state,
      "cql:search",
      `(${cql}) and type in (page, blogpost)`,
      options,
      (c) => hits.push(c),
      `${SEARCH_EXPAND},ancestors`,
    );
    for (const c of hits) {
      if (c.type !== "page" && c.type !== "blogpost") continue;
      wanted[c.type].add(c.id);
      for (const a of c.ancestors ?? []) if (!a.type || a.type === "page") wanted.page.add(a.id);
    }
  }
  // Search hits arrive before their content: fetch the objects (≤ 250 ids a request), then apply
  // the hits' restrictions and labels again now that the content exists.
  for (const [type, plural] of [
    ["page", "pages"],
    ["blogpost", "blogposts"],
  ] as const) {
    const ids = [...wanted[type]].filter((id) => !raw.content[id]);
    for (const [i, group] of chunk(ids, 250).entries())
      await listAll<V2Content>(
        access,
        state,
        `cql:${plural}:${i}`,
        `${V2}/${plural}?limit=250&${group.map((id) => `id=${id}`).join("&")}&status=current&status=archived${options.bodies ? "&body-format=storage" : ""}`,
        (page) => {
          for (const c of page) raw.content[c.id] = rawContent(c, type, options.bodies);
        },
      );
  }
  state.done(unit);
  const spaceIds = new Set(Object.values(raw.content).map((c) => c.spaceId));
  raw.spaces = raw.spaces.filter((s) => spaceIds.has(s.id));
  await searchDetails(access, state, "cql:details", `(${cql}) and type in (page, blogpost)`, options);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
