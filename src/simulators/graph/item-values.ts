import { Interner } from "../../util/interner.ts";
import type { AclEntry } from "./model.ts";

/**
 * The parts of stored items that items share, kept once per tenant: whole ACLs (most items of a
 * space carry the same one) and property values that repeat (space names and URLs, icon URLs,
 * authors, labels). Kept values are frozen: items replace their members on every write and never
 * change them in place, and freezing makes sure one item's change can never reach another's.
 */
export class ItemValues {
  readonly #acls = new Interner<AclEntry[]>();
  /** Per property name: its repeated string values, and (apart) its repeated lists of strings. */
  readonly #strings = new Map<string, Interner<unknown>>();
  readonly #lists = new Map<string, Interner<unknown>>();

  acl(entries: AclEntry[]): AclEntry[] {
    let key = "";
    for (const e of entries)
      key += `${e.type}\u0000${e.value}\u0000${e.accessType}\u0000${e.identitySource ?? ""}\u0001`;
    const kept = this.#acls.intern(key, entries);
    if (kept === entries) {
      for (const e of entries) Object.freeze(e);
      Object.freeze(entries);
    }
    return kept;
  }

  /** The properties, each repeated string or list of strings replaced by its kept copy. */
  properties(properties: Record<string, unknown>): Record<string, unknown> {
    for (const name in properties) {
      const value = properties[name];
      // A string is its own key (no prefixed copy to build and hash per property); a list of
      // strings is keyed by its joined text in a table of its own, so the two never meet.
      const list = typeof value !== "string";
      if (list && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) continue;
      const key = list ? (value as string[]).join("\u0000") : value;
      const interner = this.#interner(list ? this.#lists : this.#strings, name);
      const kept = interner.intern(key, value);
      if (kept === value && list) Object.freeze(value);
      properties[name] = kept;
    }
    return properties;
  }

  #interner(tables: Map<string, Interner<unknown>>, name: string): Interner<unknown> {
    let interner = tables.get(name);
    if (!interner) {
      interner = new Interner<unknown>();
      tables.set(name, interner);
    }
    return interner;
  }

  clear(): void {
    this.#acls.clear();
    this.#strings.clear();
    this.#lists.clear();
  }
}
