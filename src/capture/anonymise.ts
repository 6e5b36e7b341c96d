import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import type { PageInput } from "../fixture-formats/site-schema.ts";
import type { SiteFileInput } from "./confluence/site-file.ts";
import type { PseudonymKind, Pseudonyms } from "./pseudonyms.ts";
import type { BlindSpot } from "./raw.ts";
import type { IndexSnapshot } from "./snapshot.ts";

/**
 * `--anonymise`: the site file, directory file and index snapshot with every name, email, title,
 * label, key and identifier replaced by its pseudonym, keeping what decides access and identity
 * mapping: which emails are hidden, case and surrounding whitespace of emails, which Confluence
 * email equals which UPN or mail (same real value → same pseudonym, case-insensitively), guests
 * and their `#EXT#` UPNs, group nesting, and every id relationship (an ACL value, a group member
 * and a directory user stay the same id). Content and space ids are kept: they are numbers that
 * say nothing, and the customer can look findings up by them. Bodies become filler of the same
 * length. `leaks` then refuses any output that still contains a real value.
 */

export interface CaptureFiles {
  site?: SiteFileInput;
  directory?: DirectoryFile;
  index?: IndexSnapshot;
  blindSpots: BlindSpot[];
}

export function anonymiseCapture(files: CaptureFiles, p: Pseudonyms): CaptureFiles {
  const titles = new Map<string, string>();
  const groupNames = new Map<string, string>();
  const site = files.site ? anonymiseSite(files.site, p, titles, groupNames) : undefined;
  const directory = files.directory ? anonymiseDirectory(files.directory, p) : undefined;
  const index = files.index ? anonymiseIndex(files.index, p, titles, groupNames) : undefined;
  const blindSpots = files.blindSpots.map((b) => ({
    kind: b.kind,
    ...(b.subject !== undefined ? { subject: scrub(b.subject, p) } : {}),
    detail: scrub(b.detail, p),
  }));
  return { site, directory, index, blindSpots };
}

function anonymiseSite(
  site: SiteFileInput,
  p: Pseudonyms,
  titles: Map<string, string>,
  groupNames: Map<string, string>,
): SiteFileInput {
  // A user's short name is the pseudonym of their email's local part (as the real one is), so
  // `access: { as: NAME }` and the UPN of the same person read alike.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const u of site.users) {
    const local = u.email?.trim().split("@")[0];
    let name = local ? p.caseShaped("local", local).toLowerCase() : p.of("local", `name\u0000${u.name}`);
    for (let n = 2; taken.has(name); n++) name = `${name}-${n}`;
    taken.add(name);
    names.set(u.name, name);
  }
  const userName = (name: string) => names.get(name) ?? p.of("local", `name\u0000${name}`);
  for (const g of site.groups) {
    groupNames.set(g.name.toLowerCase(), p.group(g.name));
    // Connectors often derive external group ids from the group id (`cg<id without dashes>`).
    groupNames.set(`id:${g.id.replace(/-/g, "").toLowerCase()}`, p.of("uuid", g.id).replace(/-/g, ""));
  }
  const ref = (r: string): string => {
    if (r === "anonymous") return r;
    const [kind, name] = r.split(/:(.*)/s);
    return kind === "user" ? `user:${userName(name)}` : `group:${p.group(name)}`;
  };
  const content = (c: PageInput): PageInput => {
    const out: PageInput = { ...c, title: p.of("title", c.title) };
    if (c.id !== undefined) titles.set(String(c.id), out.title);
    if (c.body !== undefined) out.body = filler(c.body);
    if (c.labels) out.labels = c.labels.map((l) => p.of("label", l));
    if (c.author) out.author = userName(c.author);
    if (c.read) out.read = c.read.map(ref);
    if (c.update) out.update = c.update.map(ref);
    if (c.children) out.children = c.children.map(content);
    return out;
  };
  return {
    site: {
      ...site.site,
      name: p.of("site", site.site.name ?? "site"),
      ...(site.site.cloudId ? { cloudId: p.of("uuid", site.site.cloudId) } : {}),
      ...(site.site.productAccessGroups
        ? { productAccessGroups: site.site.productAccessGroups.map((g) => p.group(g)) }
        : {}),
    },
    users: site.users.map((u) => ({
      ...u,
      name: userName(u.name),
      ...(u.accountId ? { accountId: p.of("accountId", u.accountId) } : {}),
      ...(u.displayName ? { displayName: p.of("person", u.displayName) } : {}),
      ...(u.email !== undefined ? { email: p.email(u.email) } : {}),
    })),
    groups: site.groups.map((g) => ({
      name: p.group(g.name),
      id: p.of("uuid", g.id),
      members: g.members.map(userName),
    })),
    spaces: site.spaces.map((s) => {
      const out = { ...s, key: p.of("spaceKey", s.key), name: p.of("space", s.name ?? s.key) };
      if (s.description) out.description = p.of("text", s.description);
      if (s.view) out.view = s.view.map(ref);
      if (s.pages) out.pages = s.pages.map(content);
      if (s.blogposts) out.blogposts = s.blogposts.map(content);
      return out;
    }),
  };
}

function anonymiseDirectory(d: DirectoryFile, p: Pseudonyms): DirectoryFile {
  const id = (x: string) => p.of("uuid", x.toLowerCase());
  const tenantId = d.tenantId ?? d.tenant;
  return {
    tenant: id(tenantId),
    tenantId: id(tenantId),
    users: (d.users ?? []).map((u) => ({
      ...u,
      upn: p.upn(u.upn),
      ...(u.id ? { id: id(u.id) } : {}),
      ...(u.mail ? { mail: p.email(u.mail) } : {}),
      ...(u.displayName ? { displayName: p.of("person", u.displayName) } : {}),
    })),
    groups: (d.groups ?? []).map((g) => ({
      name: p.of("entraGroup", g.name),
      ...(g.id ? { id: id(g.id) } : {}),
      ...(g.mailNickname ? { mailNickname: p.of("nickname", g.mailNickname) } : {}),
      members: (g.members ?? []).map(id),
    })),
    apps: (d.apps ?? []).map((a) => ({ ...a, clientId: id(a.clientId) })),
  };
}

function anonymiseIndex(
  index: IndexSnapshot,
  p: Pseudonyms,
  titles: Map<string, string>,
  groupNames: Map<string, string>,
): IndexSnapshot {
  const id = (x: string) => p.of("uuid", x.toLowerCase());
  const xg = (x: string) => {
    const group = groupNames.get(x.toLowerCase());
    if (group) return group.replace(/[^A-Za-z0-9]/g, "");
    // An id that embeds a Confluence group id keeps its prefix, with that group's pseudonymous id.
    const embedded = /[0-9a-f]{32}/i.exec(x);
    const pseudo = embedded ? groupNames.get(`id:${embedded[0].toLowerCase()}`) : undefined;
    return pseudo
      ? `${x.slice(0, embedded!.index)}${pseudo}${x.slice(embedded!.index + 32)}`
      : p.of("externalGroup", x);
  };
  const principal = (type: string, value: string) =>
    type === "externalGroup"
      ? xg(value)
      : type === "user" || type === "group" || /^[0-9a-f-]{36}$/i.test(value)
        ? id(value)
        : value;
  return {
    ...index,
    tenantId: id(index.tenantId),
    connection: {
      id: p.of("connection", index.connection.id),
      name: p.of("text", index.connection.name),
      description: index.connection.description ? p.of("text", index.connection.description) : null,
      ...(index.connection.state ? { state: index.connection.state } : {}),
    },
    items: index.items.map((item) => ({
      ...item,
      acl: item.acl.map((e) => ({ ...e, value: principal(e.type, e.value) })),
      properties: Object.fromEntries(
        Object.entries(item.properties).map(([k, v]) => [
          k,
          k.includes("@odata") ? v : anonymiseValue(v, p, titles),
        ]),
      ),
      ...(item.content ? { content: { type: item.content.type, value: filler(item.content.value) } } : {}),
    })),
    externalGroups: index.externalGroups.map((g) => ({
      id: xg(g.id),
      displayName:
        g.displayName === null
          ? null
          : (groupNames.get(g.displayName.toLowerCase()) ?? p.of("text", g.displayName)),
      description: g.description === null ? null : p.of("text", g.description),
      members: g.members?.map((m) => ({ ...m, id: principal(m.type, m.id) })) ?? null,
    })),
  };
}

/** An item property value: known titles, keys, labels and emails by their pseudonyms; URLs rebuilt. */
function anonymiseValue(v: unknown, p: Pseudonyms, titles: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => anonymiseValue(x, p, titles));
  if (typeof v !== "string" || v === "") return v;
  if (/^\d+$/.test(v) || (!Number.isNaN(Date.parse(v)) && /^\d{4}-\d\d-\d\d/.test(v))) return v;
  for (const kind of ["title", "spaceKey", "space", "label"] as const) {
    const known = p.mapping.values[kind]?.[v];
    if (known) return known;
  }
  if (/^[^\s@]+@[^\s@]+$/.test(v.trim())) return p.email(v);
  if (/^https?:\/\//i.test(v)) return anonymiseUrl(v, p, titles);
  return p.of("text", v);
}

function anonymiseUrl(v: string, p: Pseudonyms, titles: Map<string, string>): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return p.of("text", v);
  }
  const host = url.hostname.endsWith(".atlassian.net")
    ? `${p.of("site", url.hostname.slice(0, -".atlassian.net".length))}.atlassian.net`
    : p.domain(url.hostname);
  const parts = url.pathname.split("/");
  const out = parts.map((seg, i) => {
    if (seg === "" || /^\d+$/.test(seg) || ["wiki", "spaces", "pages", "blog", "display", "x"].includes(seg))
      return seg;
    if (parts[i - 1] === "spaces") return p.of("spaceKey", decodeURIComponent(seg));
    const title =
      parts[i - 2] === "pages" || parts[i - 1]?.match(/^\d+$/) ? titles.get(parts[i - 1]) : undefined;
    return title ? encodeURIComponent(title.replace(/ /g, "+")) : p.of("text", seg);
  });
  return `${url.protocol}//${host}${out.join("/")}`;
}

/** Filler of the same length: sizes still matter (large bodies), words do not. */
function filler(text: string): string {
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
  return words.repeat(Math.ceil(text.length / words.length)).slice(0, text.length);
}

const SCRUBBED: PseudonymKind[] = [
  "accountId",
  "uuid",
  "group",
  "entraGroup",
  "spaceKey",
  "site",
  "connection",
  "person",
];
const TOKEN = /[A-Za-z0-9:~._-]+/g;

/**
 * Free text (blind spot details): emails and every token that is a mapped id, key, group or site
 * replaced by its pseudonym. Token lookups, not one regex per mapped value: a big site maps
 * tens of thousands of values.
 */
export function scrub(text: string, p: Pseudonyms): string {
  const table = new Map<string, string>();
  for (const k of SCRUBBED)
    for (const [real, pseudo] of Object.entries(p.mapping.values[k] ?? {})) table.set(real, pseudo);
  return text
    .replace(/[^\s@"'(),;]+@[^\s@"'(),;]+/g, (e) => p.email(e))
    .replace(TOKEN, (t) => {
      const bare = t.replace(/[.:]+$/, "");
      return table.get(t) ?? (table.has(bare) ? `${table.get(bare)}${t.slice(bare.length)}` : t);
    });
}

/**
 * Real values left in an anonymised output: every string in it (whole strings, emails by their
 * parts, URLs by host, long texts by token) checked against the real names, emails, domains,
 * titles, space names, labels and group names that were mapped — a linear pass, so a capture of
 * any size is checked in full.
 */
export function leaks(value: unknown, p: Pseudonyms): string[] {
  const real = new Map<string, string>();
  // Pseudonyms and the words they are made of are never leaks (a real title "Page" is not one).
  const pseudonyms = new Set(
    Object.values(p.mapping.values).flatMap((t) =>
      Object.values(t ?? {}).flatMap((x) => [x.toLowerCase(), ...(x.toLowerCase().match(TOKEN) ?? [])]),
    ),
  );
  for (const kind of [
    "person",
    "local",
    "domain",
    "site",
    "title",
    "space",
    "label",
    "group",
    "entraGroup",
  ] as const)
    for (const r of Object.keys(p.mapping.values[kind] ?? {})) {
      const key = r.toLowerCase().trim();
      if (key.length < 4 || key.includes("\u0000") || pseudonyms.has(key)) continue;
      if (kind === "group" && p.group(r) === r) continue;
      real.set(key, `${kind} "${r}"`);
    }
  const found = new Set<string>();
  const check = (s: string) => {
    const hit = real.get(s.toLowerCase().trim());
    if (hit) found.add(hit);
  };
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      check(v);
      for (const part of v.split(/[@\s/]+/)) check(part);
      for (const t of v.match(TOKEN) ?? []) check(t);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        check(k);
        walk(x);
      }
  };
  walk(value);
  return [...found];
}
