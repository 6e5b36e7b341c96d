import type { DirectoryFile } from "../fixtures/directory-schema.ts";
import { qualifiedUpn } from "../fixtures/directory-schema.ts";
import type { LoadIssue } from "../fixtures/errors.ts";
import type { YamlSource } from "../fixtures/yaml.ts";
import { suggest } from "../fixtures/yaml.ts";
import type { PageSpec, SiteSpec } from "../simulators/confluence/seed.ts";
import type { Scenario } from "./schema.ts";

type Path = PropertyKey[];

/**
 * Checks that steps name things that exist when they run: spaces, content ids, Confluence users and
 * groups, directory users. Created things count from the step that creates them. Located in the
 * scenario file, so a typo fails at load time instead of in the middle of a run.
 */
export function checkStepReferences(
  scenario: Scenario,
  site: SiteSpec,
  directory: DirectoryFile,
  source: YamlSource,
): LoadIssue[] {
  const issues: LoadIssue[] = [];
  const users = new Set<string>();
  for (const u of site.users ?? []) {
    users.add(u.name);
    if (u.accountId) users.add(u.accountId);
  }
  const groups = new Set<string>([
    ...(site.site?.productAccessGroups ?? ["confluence-users"]),
    ...(site.groups ?? []).map((g) => g.name),
  ]);
  const spaces = new Set((site.spaces ?? []).map((s) => s.key.toLowerCase()));
  const ids = new Set<string>();
  let allIdsKnown = true;
  const walk = (pages: PageSpec[] | undefined) => {
    for (const p of pages ?? []) {
      if (p.id === undefined) allIdsKnown = false;
      else ids.add(p.id);
      walk(p.children);
    }
  };
  for (const s of site.spaces ?? []) {
    walk(s.pages);
    walk(s.blogposts);
  }
  const upns = new Set((directory.users ?? []).map((u) => qualifiedUpn(directory, u.upn).toLowerCase()));

  const at = (path: Path, message: string, hint?: string) => issues.push(source.issue(path, message, hint));
  const space = (path: Path, key: string) => {
    if (!spaces.has(key.toLowerCase()))
      at(
        path,
        `unknown space "${key}"`,
        suggest(
          key,
          [...spaces].map((s) => s.toUpperCase()),
        ),
      );
  };
  const content = (path: Path, id: string | null | undefined) => {
    if (id && allIdsKnown && !ids.has(id)) at(path, `no page or blog post with id ${id} in the site`);
  };
  const user = (path: Path, name: string) => {
    if (!users.has(name)) at(path, `unknown Confluence user "${name}"`, suggest(name, [...users]));
  };
  const principal = (path: Path, ref: string) => {
    if (ref === "anonymous") return;
    const m = /^(user|group):(.*)$/s.exec(ref);
    if (m?.[1] === "user") user(path, m[2]);
    else if (m?.[1] === "group") {
      if (!groups.has(m[2])) at(path, `unknown Confluence group "${m[2]}"`, suggest(m[2], [...groups]));
    } else if (!users.has(ref) && !groups.has(ref)) {
      at(path, `unknown Confluence user or group "${ref}"`, suggest(ref, [...users, ...groups]));
    }
  };
  const upn = (path: Path, name: string) => {
    if (!upns.has(qualifiedUpn(directory, name).toLowerCase()))
      at(path, `unknown directory user "${name}"`, suggest(name, [...upns]));
  };
  const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
  const indexed = <T>(v: T | T[], path: Path): Array<[T, Path]> =>
    Array.isArray(v) ? v.map((x, i) => [x, [...path, i]]) : [[v, path]];

  for (const [s, step] of scenario.steps.entries()) {
    const base: Path = ["steps", s];
    if (step.confluence) {
      for (const [change, p] of indexed(step.confluence, [...base, "confluence"])) {
        const c = change;
        if (c.create) {
          space([...p, "create", "space"], c.create.space);
          content([...p, "create", "parent"], c.create.parent);
          if (c.create.author) user([...p, "create", "author"], c.create.author);
          for (const op of ["read", "update"] as const)
            for (const [i, r] of (c.create[op] ?? []).entries()) principal([...p, "create", op, i], r);
          if (c.create.id) ids.add(c.create.id);
        }
        if (c.edit) content([...p, "edit", "page"], c.edit.page);
        if (c.move) {
          content([...p, "move", "page"], c.move.page);
          content([...p, "move", "parent"], c.move.parent);
          if (c.move.space) space([...p, "move", "space"], c.move.space);
        }
        for (const k of ["trash", "archive", "restore", "purge"] as const) {
          const ref = c[k];
          if (ref !== undefined) content([...p, k], typeof ref === "string" ? ref : ref.page);
        }
        if (c.restrict) {
          content([...p, "restrict", "page"], c.restrict.page);
          for (const op of ["read", "update"] as const)
            for (const [i, r] of (c.restrict[op] ?? []).entries()) principal([...p, "restrict", op, i], r);
        }
        if (c.unrestrict) content([...p, "unrestrict", "page"], c.unrestrict.page);
        if (c.label) content([...p, "label", "page"], c.label.page);
        if (c.group) {
          if (c.group.create) groups.add(c.group.name);
          else if (!groups.has(c.group.name))
            at(
              [...p, "group", "name"],
              `unknown Confluence group "${c.group.name}"`,
              "add `create: true` to make it",
            );
          for (const op of ["add", "remove"] as const)
            for (const [i, u] of (c.group[op] ?? []).entries()) user([...p, "group", op, i], u);
        }
        if (c.spacePermission) {
          space([...p, "spacePermission", "space"], c.spacePermission.space);
          for (const op of ["grant", "revoke"] as const)
            for (const [i, r] of (c.spacePermission[op] ?? []).entries())
              principal([...p, "spacePermission", op, i], r);
        }
        if (c.hideEmail !== undefined) {
          const name = typeof c.hideEmail === "string" ? c.hideEmail : c.hideEmail.user;
          user([...p, "hideEmail", ...(typeof c.hideEmail === "string" ? [] : ["user"])], name);
        }
        if (c.user) user([...p, "user", "name"], c.user.name);
        if (c.revokeApiTokens !== undefined) user([...p, "revokeApiTokens"], c.revokeApiTokens);
        if (c.revokeOAuthGrant !== undefined) user([...p, "revokeOAuthGrant"], c.revokeOAuthGrant);
      }
    }
    if (step.directory) {
      for (const change of list(step.directory)) {
        if (change.addUser) upns.add(qualifiedUpn(directory, change.addUser.upn).toLowerCase());
      }
    }
    if (step.expect) {
      const e = step.expect;
      if (e.search)
        for (const [q, p] of indexed(e.search, [...base, "expect", "search"])) upn([...p, "as"], q.as);
      if (e.access)
        for (const [a, p] of indexed(e.access, [...base, "expect", "access"])) {
          user([...p, "as"], a.as);
          for (const k of ["views", "cannotView"] as const)
            for (const [i, id] of (a[k] ?? []).entries()) content([...p, k, i], id);
        }
      if (e.content)
        for (const [c, p] of indexed(e.content, [...base, "expect", "content"])) content([...p, "id"], c.id);
    }
  }
  return issues;
}
