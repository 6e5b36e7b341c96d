import { forEachConcurrent } from "../http.ts";
import { noteBlindSpot, type RawGroup, type RawSite, type RawUser } from "../raw.ts";
import type { StateFile } from "../state.ts";
import { type ConfluenceAccess, listAll, V1, type V1Group, type V1User } from "./api.ts";

/**
 * Users and groups of a capture. Confluence Cloud has no "list every user" call, so the people
 * captured are the ones that matter for permissions: members of the groups that grant product
 * access or are named in a space permission or a restriction, users named directly, and authors.
 * Groups come from v1 (`/group`, `/group/by-id`, `/group/{id}/membersByGroupId`): v2 has no groups.
 */

/** v1 user → raw user. A hidden email arrives as "" and stays "" unless the admin's export supplies it. */
export function rawUser(u: V1User, emails: ReadonlyMap<string, string>): RawUser | undefined {
  if (!u.accountId) return undefined;
  const shown = u.email ?? "";
  const supplied = emails.get(u.accountId);
  return {
    accountId: u.accountId,
    displayName: u.displayName ?? u.publicName ?? u.accountId,
    publicName: u.publicName ?? u.displayName ?? u.accountId,
    email: shown !== "" ? shown : (supplied ?? ""),
    emailHidden: shown === "",
    accountType: u.accountType === "app" ? "app" : u.accountType === "" ? "customer" : "atlassian",
    active: u.accountStatus === undefined ? true : u.accountStatus === "active",
    guest: u.isGuest === true || u.isExternalCollaborator === true,
    timeZone: u.timeZone ?? null,
  };
}

export function addUser(raw: RawSite, u: V1User, emails: ReadonlyMap<string, string>): void {
  const user = rawUser(u, emails);
  if (user && !raw.users[user.accountId]) raw.users[user.accountId] = user;
}

/** Default names of Confluence's product-access groups (classic and per-site names). */
export const DEFAULT_PRODUCT_GROUPS = /^confluence-users(-.+)?$/i;

export interface PeopleOptions {
  productAccessGroups?: string[];
  emails: ReadonlyMap<string, string>;
  progress: (message: string) => void;
}

/** Groups named anywhere in the captured site (space permissions, restrictions). */
function referencedGroups(raw: RawSite): Set<string> {
  const ids = new Set<string>();
  for (const s of raw.spaces) for (const p of s.view ?? []) if (p.type === "group") ids.add(p.id);
  for (const c of Object.values(raw.content))
    for (const r of [c.read, c.update]) for (const g of r?.groups ?? []) ids.add(g);
  return ids;
}

export async function capturePeople(
  access: ConfluenceAccess,
  state: StateFile<RawSite>,
  options: PeopleOptions,
): Promise<void> {
  const raw = state.data;
  // All group names and ids (alphabetical, 200 a page): product-access groups are found by name.
  const all: V1Group[] = [];
  const status = await listAll<V1Group>(
    access,
    state,
    "groups:list",
    `${V1}/group?limit=200`,
    (page) => all.push(...page),
    [401, 403, 404],
  );
  if (status)
    noteBlindSpot(raw.blindSpots, {
      kind: "forbidden",
      subject: "/wiki/rest/api/group",
      detail: `HTTP ${status}: group names unknown`,
    });
  const wanted = new Set(options.productAccessGroups?.map((n) => n.toLowerCase()) ?? []);
  for (const g of all) {
    if (!g.id || !g.name) continue;
    const product = wanted.size > 0 ? wanted.has(g.name.toLowerCase()) : DEFAULT_PRODUCT_GROUPS.test(g.name);
    const known = raw.groups[g.id];
    if (known) known.productAccess = product;
    else if (product) raw.groups[g.id] = { id: g.id, name: g.name, members: null, productAccess: true };
  }
  if (!options.productAccessGroups && !state.isDone("groups:assumed")) {
    const names = Object.values(raw.groups)
      .filter((g) => g.productAccess)
      .map((g) => g.name);
    noteBlindSpot(raw.blindSpots, {
      kind: "assumed",
      subject: "productAccessGroups",
      detail: `product access assumed for ${names.join(", ") || "no group"} (by name; pass --product-access-groups to state them)`,
    });
    state.done("groups:assumed");
  }

  const names = new Map(all.filter((g) => g.id && g.name).map((g) => [g.id!, g.name!]));
  for (const id of referencedGroups(raw)) {
    if (raw.groups[id]) continue;
    let name = names.get(id);
    if (!name) {
      const answer = await access.http.getJson<V1Group>(
        `${access.apiBase}${V1}/group/by-id?id=${encodeURIComponent(id)}`,
        access.headers,
        [403, 404],
      );
      name = answer.body?.name;
      if (!name)
        noteBlindSpot(raw.blindSpots, {
          kind: "unknownPrincipal",
          subject: id,
          detail: `group ${id}: HTTP ${answer.status}`,
        });
    }
    raw.groups[id] = { id, name: name ?? `group-${id}`, members: null, productAccess: false };
  }

  const groups = Object.values(raw.groups);
  let listed = 0;
  await forEachConcurrent(
    groups,
    async (g: RawGroup) => {
      const unit = `members:${g.id}`;
      if (state.isDone(unit)) return;
      const members = new Set(g.members ?? []);
      const denied = await listAll<V1User>(
        access,
        state,
        unit,
        `${V1}/group/${encodeURIComponent(g.id)}/membersByGroupId?limit=200`,
        (page) => {
          for (const u of page) {
            addUser(raw, u, options.emails);
            if (u.accountId) members.add(u.accountId);
          }
          g.members = [...members];
        },
        [403, 404],
      );
      if (denied) {
        g.members = null;
        noteBlindSpot(raw.blindSpots, {
          kind: "membersUnreadable",
          subject: g.name,
          detail: `members of group ${g.name}: HTTP ${denied}`,
        });
      } else g.members = [...members];
      options.progress(`groups: ${++listed}/${groups.length} member lists`);
    },
    4,
  );

  // People named by id only (space permissions, authors): one lookup each.
  const missing = new Set<string>();
  for (const s of raw.spaces) for (const p of s.view ?? []) if (p.type === "user") missing.add(p.id);
  for (const c of Object.values(raw.content)) {
    for (const id of [c.authorId, c.version?.authorId]) if (id) missing.add(id);
    for (const r of [c.read, c.update]) for (const u of r?.users ?? []) missing.add(u);
  }
  const lookups = [...missing].filter((id) => !raw.users[id] && !state.isDone(`user:${id}`));
  await forEachConcurrent(lookups, async (id) => {
    const answer = await access.http.getJson<V1User>(
      `${access.apiBase}${V1}/user?accountId=${encodeURIComponent(id)}`,
      access.headers,
      [403, 404],
    );
    if (answer.body) addUser(raw, answer.body, options.emails);
    else
      noteBlindSpot(raw.blindSpots, {
        kind: "unknownPrincipal",
        subject: id,
        detail: `account ${id}: HTTP ${answer.status}`,
      });
    state.done(`user:${id}`);
  });

  for (const u of Object.values(raw.users)) {
    if (u.emailHidden && u.email === "")
      noteBlindSpot(raw.blindSpots, {
        kind: "hiddenEmail",
        subject: u.accountId,
        detail:
          "email hidden by profile visibility (supply it with --user-emails to match the person in Entra)",
      });
  }
}
