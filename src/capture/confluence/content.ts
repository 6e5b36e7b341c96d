import { forEachConcurrent } from "../http.ts";
import { noteBlindSpot, type RawContent, type RawRestriction, type RawSite, type RawSpace } from "../raw.ts";
import type { StateFile } from "../state.ts";
import {
  type ConfluenceAccess,
  listAll,
  V1,
  type V1Content,
  type V1Restriction,
  V2,
  type V2Content,
} from "./api.ts";
import { addUser } from "./people.ts";

/**
 * Pages and blog posts of a capture: the tree, statuses, versions and timestamps from v2; direct
 * restrictions and labels in bulk from v1 CQL search with expansions (v2 has neither restrictions
 * nor CQL), with a per-item v1/v2 read for what the search did not return (archived or trashed
 * content, search lag, restriction lists longer than one expansion page).
 */

const RESTRICTIONS =
  "restrictions.read.restrictions.user,restrictions.read.restrictions.group,restrictions.update.restrictions.user,restrictions.update.restrictions.group";
export const SEARCH_EXPAND = `${RESTRICTIONS},metadata.labels`;

export interface ContentOptions {
  bodies: boolean;
  emails: ReadonlyMap<string, string>;
  progress: (message: string) => void;
}

export function rawContent(c: V2Content, type: "page" | "blogpost", bodies: boolean): RawContent {
  const out: RawContent = {
    id: c.id,
    type,
    spaceId: c.spaceId,
    parentId: type === "page" ? (c.parentId ?? null) : null,
    parentType: type === "page" ? (c.parentType ?? null) : null,
    position: c.position ?? null,
    title: c.title,
    status: c.status,
    authorId: c.authorId ?? null,
    createdAt: c.createdAt ?? null,
    version: c.version
      ? {
          number: c.version.number ?? 1,
          createdAt: c.version.createdAt ?? null,
          authorId: c.version.authorId ?? null,
        }
      : null,
  };
  if (bodies && c.body?.storage?.value !== undefined) out.body = c.body.storage.value;
  return out;
}

/** Lists a space's pages and blog posts (current, archived and trashed). */
export async function listSpaceContent(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  space: RawSpace,
  options: ContentOptions,
): Promise<void> {
  const raw = state.data;
  const body = options.bodies ? "&body-format=storage" : "";
  for (const [type, plural, statuses] of [
    ["page", "pages", "&status=current&status=archived&status=trashed"],
    ["blogpost", "blogposts", "&status=current&status=trashed"],
  ] as const) {
    const add = (page: V2Content[]) => {
      for (const c of page) raw.content[c.id] = rawContent(c, type, options.bodies);
      options.progress(`space ${space.key}: ${Object.keys(raw.content).length} pages and blog posts`);
    };
    const base = `${V2}/spaces/${space.id}/${plural}?limit=250${body}`;
    const refused = await listAll<V2Content>(
      access,
      state,
      `${plural}:${space.id}`,
      `${base}${statuses}`,
      add,
      [400, 403],
    );
    if (refused) {
      // Trashed content needs more than view permission on some sites: list what is listable.
      noteBlindSpot(raw.blindSpots, {
        kind: "forbidden",
        subject: `space ${space.key}`,
        detail: `trashed ${plural} not listed (HTTP ${refused})`,
      });
      await listAll<V2Content>(access, state, `${plural}:${space.id}:visible`, base, add, [403, 404]);
    }
  }
}

function restrictionOf(
  r: V1Restriction | undefined,
): { set: RawRestriction | null; complete: boolean } | undefined {
  if (!r?.restrictions) return undefined;
  const users = r.restrictions.user?.results ?? [];
  const groups = r.restrictions.group?.results ?? [];
  const total = r.restrictions.user?.totalSize;
  const limit = r.restrictions.user?.limit ?? r.restrictions.group?.limit;
  // A full page may hide more: read it again item by item.
  const complete =
    (total === undefined || total <= users.length) &&
    (limit === undefined || (users.length < limit && groups.length < limit));
  const set = {
    users: users.flatMap((u) => (u.accountId ? [u.accountId] : [])),
    groups: groups.flatMap((g) => (g.id ? [g.id] : [])),
  };
  return { set: set.users.length || set.groups.length ? set : null, complete };
}

/** Applies one v1 content object (search hit) to the raw content it describes. */
function applyV1(raw: RawSite, c: V1Content, emails: ReadonlyMap<string, string>): void {
  const target = raw.content[c.id];
  if (!target) return;
  for (const op of ["read", "update"] as const) {
    const r = c.restrictions?.[op];
    for (const u of r?.restrictions?.user?.results ?? []) addUser(raw, u, emails);
    const parsed = restrictionOf(r);
    if (parsed?.complete) target[op] = parsed.set;
  }
  const labels = c.metadata?.labels;
  if (labels?.results && !labels._links?.next) target.labels = labels.results.map((l) => l.name);
}

/** Restrictions and labels for a space's content through CQL search (50 a page). */
export async function searchSpaceDetails(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  space: RawSpace,
  options: ContentOptions,
): Promise<void> {
  const cql = `space = "${space.key.replace(/"/g, '\\"')}" and type in (page, blogpost)`;
  await searchDetails(access, state, `search:${space.id}`, cql, options);
}

export async function searchDetails(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  unit: string,
  cql: string,
  options: ContentOptions,
  onHit?: (c: V1Content) => void,
  expand = SEARCH_EXPAND,
): Promise<void> {
  const raw = state.data;
  const path = `${V1}/content/search?cql=${encodeURIComponent(cql)}&expand=${encodeURIComponent(expand)}&limit=50`;
  const refused = await listAll<V1Content>(
    access,
    state,
    unit,
    path,
    (page) => {
      for (const c of page) {
        onHit?.(c);
        applyV1(raw, c, options.emails);
      }
    },
    [400, 403],
  );
  if (refused)
    noteBlindSpot(raw.blindSpots, {
      kind: "forbidden",
      subject: "/wiki/rest/api/content/search",
      detail: `HTTP ${refused} for ${cql}`,
    });
}

/** Per-item reads for content the search left without restrictions or labels. */
export async function fillDetails(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  options: ContentOptions,
): Promise<void> {
  const raw = state.data;
  const todo = Object.values(raw.content).filter(
    (c) => c.read === undefined || c.update === undefined || c.labels === undefined,
  );
  let done = 0;
  await forEachConcurrent(todo, async (c) => {
    if (c.read === undefined || c.update === undefined)
      await readRestrictions(access, raw, c, options.emails);
    if (c.labels === undefined) {
      const labels: string[] = [];
      const plural = c.type === "page" ? "pages" : "blogposts";
      const refused = await listAll<{ name: string }>(
        access,
        state,
        `labels:${c.id}`,
        `${V2}/${plural}/${c.id}/labels?limit=250`,
        (page) => labels.push(...page.map((l) => l.name)),
        [403, 404],
      );
      c.labels = labels;
      if (refused && c.status === "current")
        noteBlindSpot(raw.blindSpots, {
          kind: "forbidden",
          subject: c.id,
          detail: `labels of ${c.id}: HTTP ${refused}`,
        });
    }
    options.progress(`details: ${++done}/${todo.length} read one by one`);
    state.save();
  });
}

async function readRestrictions(
  access: ConfluenceAccess,
  raw: RawSite,
  c: RawContent,
  emails: ReadonlyMap<string, string>,
): Promise<void> {
  for (const op of ["read", "update"] as const) {
    if (c[op] !== undefined) continue;
    const users: string[] = [];
    const groups: string[] = [];
    for (let start = 0; start <= 100_000; start += 100) {
      const answer = await access.http.getJson<V1Restriction>(
        `${access.apiBase}${V1}/content/${c.id}/restriction/byOperation/${op}?start=${start}&limit=100`,
        access.headers,
        [403, 404],
      );
      if (!answer.body) {
        noteBlindSpot(raw.blindSpots, {
          kind: "restrictionsUnreadable",
          subject: c.id,
          detail: `${op} restriction of ${c.type} ${c.id} (${c.status}): HTTP ${answer.status}; captured as unrestricted`,
        });
        break;
      }
      const u = answer.body.restrictions?.user?.results ?? [];
      const g = answer.body.restrictions?.group?.results ?? [];
      for (const x of u) addUser(raw, x, emails);
      users.push(...u.flatMap((x) => (x.accountId ? [x.accountId] : [])));
      groups.push(...g.flatMap((x) => (x.id ? [x.id] : [])));
      if (u.length < 100 && g.length < 100) break;
      // A server that ignores `start` repeats the first page: stop rather than loop.
      if (
        answer.body.restrictions?.user?.start !== undefined &&
        answer.body.restrictions.user.start !== start
      )
        break;
    }
    c[op] =
      users.length || groups.length ? { users: [...new Set(users)], groups: [...new Set(groups)] } : null;
  }
}
