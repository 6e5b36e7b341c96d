import { ConfluenceDomainError, type Content, type ContentStatus, type ContentType } from "./model.ts";

/**
 * Page titles reserved per space: current and archived pages reserve theirs, trashed ones and
 * other content types do not. The store keeps it up to date on every title, status or space change.
 */
export class TitleIndex {
  #titles = new Map<string, Set<Content>>();

  /** Refuses a title another page of the space already reserves. */
  assertFree(spaceId: string, type: ContentType, title: string, status: ContentStatus, selfId: string): void {
    if (!reserves(type, status)) return;
    for (const c of this.#titles.get(titleKey(spaceId, title)) ?? []) {
      if (c.id !== selfId) {
        throw new ConfluenceDomainError("INVALID", "A page already exists with the same TITLE in this space");
      }
    }
  }

  add(c: Content): void {
    if (!reserves(c.type, c.status)) return;
    const key = titleKey(c.spaceId, c.title);
    let set = this.#titles.get(key);
    if (!set) {
      set = new Set();
      this.#titles.set(key, set);
    }
    set.add(c);
  }

  remove(c: Content): void {
    const key = titleKey(c.spaceId, c.title);
    const set = this.#titles.get(key);
    set?.delete(c);
    if (set?.size === 0) this.#titles.delete(key);
  }
}

function reserves(type: ContentType, status: ContentStatus): boolean {
  return type === "page" && (status === "current" || status === "archived");
}

function titleKey(spaceId: string, title: string): string {
  return `${spaceId}\u0000${title}`;
}
