import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import { qualifiedUpn } from "../fixture-formats/directory-schema.ts";
import type { LoadIssue } from "../fixture-formats/errors.ts";
import type { YamlSource } from "../fixture-formats/yaml.ts";
import { suggest } from "../fixture-formats/yaml.ts";
import type { PageSpec, SiteSpec } from "../simulators/confluence/seed.ts";

/** A location in the scenario file: `["steps", 3, "confluence", 0, "create", "space"]`. */
export type Path = PropertyKey[];

/**
 * What exists at a point of the scenario, for load-time reference checks: spaces, content ids,
 * Confluence users and groups, directory users. Steps are checked in order and things they create
 * count from then on, so a typo fails at load time, located in the file, instead of mid-run.
 * Each step, change and expectation module checks its own references against this scope.
 */
export class ReferenceScope {
  readonly issues: LoadIssue[] = [];
  readonly #users = new Set<string>();
  readonly #groups: Set<string>;
  readonly #spaces: Set<string>;
  readonly #ids = new Set<string>();
  #allIdsKnown = true;
  readonly #upns: Set<string>;

  constructor(
    site: SiteSpec,
    readonly directory: DirectoryFile,
    readonly source: YamlSource,
  ) {
    for (const u of site.users ?? []) {
      this.#users.add(u.name);
      if (u.accountId) this.#users.add(u.accountId);
    }
    this.#groups = new Set([
      ...(site.site?.productAccessGroups ?? ["confluence-users"]),
      ...(site.groups ?? []).map((g) => g.name),
    ]);
    this.#spaces = new Set((site.spaces ?? []).map((s) => s.key.toLowerCase()));
    const walk = (pages: PageSpec[] | undefined) => {
      for (const p of pages ?? []) {
        if (p.id === undefined) this.#allIdsKnown = false;
        else this.#ids.add(p.id);
        walk(p.children);
      }
    };
    for (const s of site.spaces ?? []) {
      walk(s.pages);
      walk(s.blogposts);
    }
    this.#upns = new Set((directory.users ?? []).map((u) => this.#qualified(u.upn)));
  }

  /** Records a problem at a location. */
  at(path: Path, message: string, hint?: string): void {
    this.issues.push(this.source.issue(path, message, hint));
  }

  space(path: Path, key: string): void {
    if (!this.#spaces.has(key.toLowerCase()))
      this.at(
        path,
        `unknown space "${key}"`,
        suggest(
          key,
          [...this.#spaces].map((s) => s.toUpperCase()),
        ),
      );
  }

  /** A page or blog post id (only checked when every page of the site has an explicit id). */
  content(path: Path, id: string | null | undefined): void {
    if (id && this.#allIdsKnown && !this.#ids.has(id))
      this.at(path, `no page or blog post with id ${id} in the site`);
  }

  /** Content created by a step exists from then on. */
  created(id: string | undefined): void {
    if (id) this.#ids.add(id);
  }

  user(path: Path, name: string): void {
    if (!this.#users.has(name))
      this.at(path, `unknown Confluence user "${name}"`, suggest(name, [...this.#users]));
  }

  /** A Confluence group that must exist; `create: true` makes it exist from then on. */
  group(path: Path, name: string, create: boolean | undefined): void {
    if (create) this.#groups.add(name);
    else if (!this.#groups.has(name))
      this.at(path, `unknown Confluence group "${name}"`, "add `create: true` to make it");
  }

  /** `user:NAME`, `group:NAME`, `anonymous` or a bare user or group name. */
  principal(path: Path, ref: string): void {
    if (ref === "anonymous") return;
    const users = this.#users;
    const groups = this.#groups;
    const m = /^(user|group):(.*)$/s.exec(ref);
    if (m?.[1] === "user") this.user(path, m[2]);
    else if (m?.[1] === "group") {
      if (!groups.has(m[2])) this.at(path, `unknown Confluence group "${m[2]}"`, suggest(m[2], [...groups]));
    } else if (!users.has(ref) && !groups.has(ref)) {
      this.at(path, `unknown Confluence user or group "${ref}"`, suggest(ref, [...users, ...groups]));
    }
  }

  /** Every entry of an optional list of principals, located by index. */
  principals(path: Path, refs: string[] | undefined): void {
    for (const [i, r] of (refs ?? []).entries()) this.principal([...path, i], r);
  }

  /** A directory user by UPN (bare names get the tenant domain). */
  upn(path: Path, name: string): void {
    if (!this.#upns.has(this.#qualified(name)))
      this.at(path, `unknown directory user "${name}"`, suggest(name, [...this.#upns]));
  }

  /** A directory user added by a step exists from then on. */
  addedUpn(upn: string): void {
    this.#upns.add(this.#qualified(upn));
  }

  #qualified(upn: string): string {
    return qualifiedUpn(this.directory, upn).toLowerCase();
  }
}

/** Each entry of a value written as one item or a list, with its location. */
export function located<T>(value: T | T[], path: Path): Array<[T, Path]> {
  return Array.isArray(value) ? value.map((x, i) => [x, [...path, i]]) : [[value, path]];
}
