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
  readonly #properties = new Map<string, Interner<unknown>>();

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
    for (const [name, value] of Object.entries(properties)) {
      const key = valueKey(value);
      if (key === undefined) continue;
      let interner = this.#properties.get(name);
      if (!interner) {
        interner = new Interner<unknown>();
        this.#properties.set(name, interner);
      }
      const kept = interner.intern(key, value);
      if (kept === value && Array.isArray(value)) Object.freeze(value);
      properties[name] = kept;
    }
    return properties;
  }

  clear(): void {
    this.#acls.clear();
    this.#properties.clear();
  }
}

/** A string or a list of strings as a key (first character: which of the two), else undefined. */
function valueKey(value: unknown): string | undefined {
  if (typeof value === "string") return `s${value}`;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return `l${value.join("\u0000")}`;
  return undefined;
}
