import type { PrincipalRef, Restriction } from "../../../simulators/confluence/model.ts";
import { accountIdFor, type SiteSpec } from "../../../simulators/confluence/seed.ts";
import type { ConfluenceStore } from "../../../simulators/confluence/store.ts";

/** Short names from the site file (`alice`, `group:eng`) → twin ids, the same way buildSite reads them. */
export class SiteNames {
  readonly #byName = new Map<string, string>();

  constructor(
    readonly store: ConfluenceStore,
    spec: SiteSpec = {},
  ) {
    for (const u of spec.users ?? []) this.#byName.set(u.name, u.accountId ?? accountIdFor(u.name));
  }

  /** A user's accountId from its site-file name, its accountId or its email. */
  user(name: string): string {
    const { store } = this;
    const known = this.#byName.get(name);
    if (known && store.users.has(known)) return known;
    if (store.users.has(name)) return name;
    const derived = accountIdFor(name);
    if (store.users.has(derived)) return derived;
    const byEmail = store.userByEmail(name);
    if (byEmail) return byEmail.accountId;
    throw new Error(`unknown Confluence user "${name}"`);
  }

  /** The site-file name of an accountId (for messages). */
  nameOf(accountId: string): string {
    for (const [name, id] of this.#byName) if (id === accountId) return name;
    return this.store.users.get(accountId)?.displayName ?? accountId;
  }

  principal(ref: string): PrincipalRef {
    if (ref === "anonymous") return { type: "anonymous" };
    const m = /^(user|group):(.*)$/s.exec(ref);
    if (m?.[1] === "user") return { type: "user", id: this.user(m[2]) };
    const name = m?.[2] ?? ref;
    if (!m) {
      try {
        return { type: "user", id: this.user(name) };
      } catch {
        // not a user: fall through to groups
      }
    }
    return { type: "group", id: this.store.requireGroup(name).id };
  }

  restriction(refs: string[] | undefined): Restriction | null {
    if (!refs) return null;
    const ps = refs.map((r) => this.principal(r));
    return {
      users: ps.flatMap((p) => (p.type === "user" ? [p.id] : [])),
      groups: ps.flatMap((p) => (p.type === "group" ? [p.id] : [])),
    };
  }
}
