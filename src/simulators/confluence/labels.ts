import type { Label } from "./model.ts";

/** Labels are site-wide: the same name keeps the same id on every page and blog post. */
export class SiteLabels {
  #byName = new Map<string, Label>();
  #nextId = 1;

  /** The site's label with this name, created on first use. */
  get(name: string): Label {
    let label = this.#byName.get(name);
    if (!label) {
      label = { id: String(this.#nextId++), name, prefix: "global" };
      this.#byName.set(name, label);
    }
    return label;
  }
}
