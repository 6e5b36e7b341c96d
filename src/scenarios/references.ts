import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import { qualifiedUpn } from "../fixture-formats/directory-schema.ts";
import type { LoadIssue } from "../fixture-formats/errors.ts";
import type { YamlSource } from "../fixture-formats/yaml.ts";
import { nearest, suggest } from "../fixture-formats/yaml.ts";
import { type PageSpec, type SiteSpec, userEmail } from "../simulators/confluence/seed.ts";
import { addressKey } from "./oracle/identity.ts";

/** A location in the scenario file: `["steps", 3, "confluence", 0, "create", "space"]`. */
export type Path = PropertyKey[];

/**
 * How a Confluence email is compared with an Entra UPN or mail when a scenario names a person by
 * either: the oracle's address key (trimmed, NFC, case-insensitive), so a reference names the same
 * person the parity oracle matches.
 */
const emailKey = addressKey;

interface Account {
  name: string;
  accountId?: string;
  email: string;
}

interface DirectoryAccount {
  /** As written in the directory, qualified with the tenant domain. */
  upn: string;
  mail?: string;
}

/**
 * What exists at a point of the scenario, for load-time reference checks: spaces, content ids,
 * Confluence users and groups, directory users. Steps are checked in order and things they create
 * (or rename) count from then on, so a typo fails at load time, located in the file, instead of
 * mid-run. Each step, change and expectation module checks its own references against this scope.
 *
 * A person may be named by their site-file user name or by an email / UPN, wherever a user is
 * expected; each reference is resolved here once, at load time, to the form the step needs (a
 * site user name on the Confluence side, a UPN on the Entra side), matching Confluence emails
 * with Entra UPNs and mails (`emailKey`) as the parity oracle matches people.
 */
export class ReferenceScope {
  readonly issues: LoadIssue[] = [];
  readonly #accounts: Account[] = [];
  readonly #groups: Set<string>;
  readonly #spaces: Set<string>;
  readonly #ids = new Set<string>();
  #allIdsKnown = true;
  /** Directory users by lower-cased qualified UPN. */
  readonly #upns = new Map<string, DirectoryAccount>();

  constructor(
    site: SiteSpec,
    readonly directory: DirectoryFile,
    readonly source: YamlSource,
  ) {
    for (const u of site.users ?? [])
      this.#accounts.push({ name: u.name, accountId: u.accountId, email: userEmail(site, u) });
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
    for (const u of directory.users ?? []) this.addedUpn(u.upn, u.mail ?? undefined);
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

  // ---- people ----------------------------------------------------------------------------------

  /**
   * A Confluence user named by site user name, accountId, Confluence email, or the UPN or mail of
   * the directory user who is that person → the site user name (the reference itself, with an
   * issue recorded, when nobody matches).
   */
  confluenceUser(path: Path, ref: string): string {
    const person = this.#directoryAccount(ref);
    const found = this.#account(ref) ?? this.#accountOf(person);
    if (found) return found.name;
    const hint = person
      ? `directory user ${person.upn} has no Confluence account with that email (${[person.upn, person.mail].filter(Boolean).join(" or ")})`
      : this.#nearPeople(ref);
    this.at(path, `unknown Confluence user "${ref}"`, hint);
    return ref;
  }

  /**
   * A directory user named by UPN (bare names get the tenant domain), Entra mail, or the site user
   * name or email of the Confluence account that is that person → the UPN (the reference itself,
   * with an issue recorded, when nobody matches).
   */
  directoryUser(path: Path, ref: string): string {
    const found = this.#directoryAccount(ref) ?? this.#directoryAccountOf(this.#account(ref));
    if (found) return found.upn;
    const account = this.#account(ref);
    const hint = account
      ? `Confluence user ${account.name} (${account.email}) has no directory user with that UPN or mail`
      : this.#nearPeople(ref);
    this.at(path, `unknown directory user "${ref}"`, hint);
    return ref;
  }

  /** The UPN of a directory user when the reference names one (a group member may be a group). */
  directoryUserOrUndefined(ref: string): string | undefined {
    const found = this.#directoryAccount(ref) ?? this.#directoryAccountOf(this.#account(ref));
    return found?.upn;
  }

  /** A directory user added by a step exists from then on. */
  addedUpn(upn: string, mail?: string): void {
    const qualified = qualifiedUpn(this.directory, upn);
    this.#upns.set(qualified.toLowerCase(), { upn: qualified, mail });
  }

  /** A directory user's mail changed by a step (null: cleared). */
  changedMail(upn: string, mail: string | null): void {
    const found = this.#upns.get(qualifiedUpn(this.directory, upn).toLowerCase());
    if (found) found.mail = mail ?? undefined;
  }

  /** A Confluence user's email changed by a step: references by the new email find them from then on. */
  changedEmail(name: string, email: string): void {
    const found = this.#account(name);
    if (found) found.email = email;
  }

  // ---- groups and principals -------------------------------------------------------------------

  /** A Confluence group that must exist; `create: true` makes it exist from then on. */
  group(path: Path, name: string, create?: boolean): void {
    if (create) this.#groups.add(name);
    else if (!this.#groups.has(name)) {
      const [near] = nearest(name, [...this.#groups], 1);
      const create = "`create: true` makes a new group";
      this.at(
        path,
        `unknown Confluence group "${name}"`,
        near ? `did you mean "${near}"? (${create})` : create,
      );
    }
  }

  /** A group renamed by a step: the new name counts from then on, the old one no longer. */
  renamedGroup(from: string, to: string): void {
    this.#groups.delete(from);
    this.#groups.add(to);
  }

  /**
   * `user:REF`, `group:NAME`, `anonymous`, or a bare user or group reference (a user first) →
   * `user:NAME`, `group:NAME` or `anonymous`.
   */
  principal(path: Path, ref: string): string {
    if (ref === "anonymous") return ref;
    const m = /^(user|group):(.*)$/s.exec(ref);
    if (m?.[1] === "user") return `user:${this.confluenceUser(path, m[2])}`;
    if (m?.[1] === "group") {
      if (!this.#groups.has(m[2]))
        this.at(path, `unknown Confluence group "${m[2]}"`, suggest(m[2], [...this.#groups]));
      return ref;
    }
    const user = this.#account(ref) ?? this.#accountOf(this.#directoryAccount(ref));
    if (user) return `user:${user.name}`;
    if (this.#groups.has(ref)) return `group:${ref}`;
    this.at(
      path,
      `unknown Confluence user or group "${ref}"`,
      suggest(ref, [...this.#accounts.map((a) => a.name), ...this.#groups]),
    );
    return ref;
  }

  /** Every entry of an optional list of principals, located by index, resolved. */
  principals(path: Path, refs: string[] | undefined): string[] | undefined {
    return refs?.map((r, i) => this.principal([...path, i], r));
  }

  /**
   * An entry of the ACL notation (`user:REF` or `u:REF`, `group:…`, `xg:…`, `everyone`, …): a user
   * entry names a directory user by any reference and becomes `user:UPN`; the rest stay.
   */
  aclEntry(path: Path, ref: string): string {
    const m = /^(user|u):(.*)$/s.exec(ref.trim());
    return m ? `user:${this.directoryUser(path, m[2].trim())}` : ref;
  }

  /** Directory users by any reference, each located by index and resolved to its UPN. */
  directoryUsers(path: Path, refs: string[] | undefined): string[] | undefined {
    return refs?.map((r, i) => this.directoryUser([...path, i], r));
  }

  // ---- matching --------------------------------------------------------------------------------

  #account(ref: string): Account | undefined {
    return (
      this.#accounts.find((a) => a.name === ref || a.accountId === ref) ??
      (ref.includes("@") ? this.#accounts.find((a) => emailKey(a.email) === emailKey(ref)) : undefined)
    );
  }

  /** By UPN (bare: the tenant domain), then by Entra mail. */
  #directoryAccount(ref: string): DirectoryAccount | undefined {
    const byUpn = this.#upns.get(qualifiedUpn(this.directory, ref.trim()).toLowerCase());
    if (byUpn || !ref.includes("@")) return byUpn;
    return [...this.#upns.values()].find((u) => u.mail && emailKey(u.mail) === emailKey(ref));
  }

  /** The Confluence account whose email is this directory user's UPN, else their mail. */
  #accountOf(person: DirectoryAccount | undefined): Account | undefined {
    if (!person) return undefined;
    for (const key of [person.upn, person.mail])
      if (key) {
        const found = this.#accounts.find((a) => emailKey(a.email) === emailKey(key));
        if (found) return found;
      }
    return undefined;
  }

  /** The directory user whose UPN is this account's email, else whose mail is. */
  #directoryAccountOf(account: Account | undefined): DirectoryAccount | undefined {
    if (!account) return undefined;
    const people = [...this.#upns.values()];
    const key = emailKey(account.email);
    return (
      people.find((u) => emailKey(u.upn) === key) ?? people.find((u) => u.mail && emailKey(u.mail) === key)
    );
  }

  /** Near matches among every way a person can be named, each saying what it is. */
  #nearPeople(ref: string): string {
    const what = new Map<string, string[]>();
    const add = (name: string | undefined, kind: string) => {
      if (name) what.set(name, [...(what.get(name) ?? []), kind]);
    };
    for (const a of this.#accounts) {
      add(a.name, "site user");
      add(a.email, `email of ${a.name}`);
    }
    for (const u of this.#upns.values()) {
      add(u.upn, "UPN");
      add(u.mail, `mail of ${u.upn}`);
    }
    const near = nearest(ref, [...what.keys()], 3).map((n) => `"${n}" (${what.get(n)?.join(", ")})`);
    if (near.length === 0) return "name a person by site user name, Confluence email, UPN or Entra mail";
    return `did you mean ${near.length > 1 ? `${near.slice(0, -1).join(", ")} or ${near.at(-1)}` : near[0]}?`;
  }
}

/** Each entry of a value written as one item or a list, with its location. */
export function located<T>(value: T | T[], path: Path): Array<[T, Path]> {
  return Array.isArray(value) ? value.map((x, i) => [x, [...path, i]]) : [[value, path]];
}

/** A value written as one item or a list, each entry replaced by `fn` (keeps the shape). */
export function mapLocated<T>(value: T | T[], path: Path, fn: (item: T, path: Path) => T): T | T[] {
  return Array.isArray(value) ? value.map((x, i) => fn(x, [...path, i])) : fn(value, path);
}
