import { ConfluenceDomainError, type Content, type ContentStatus, type ContentType } from "./model.ts";

/**
 * Page titles reserved per space: current and archived pages reserve theirs, trashed ones and
 * other content types do not. The store keeps it up to date on every title, status or space change.
 * A title is almost always reserved by one page, so that page is stored as is (a list only when a
 * move brought two together): one map entry per page, keyed by the page's own title string.
 */
export class TitleIndex {
  #titles = new Map<string, Map<string, Content | Content[]>>();

  /** Refuses a title another page of the space already reserves. */
  assertFree(spaceId: string, type: ContentType, title: string, status: ContentStatus, selfId: string): void {
    if (!reserves(type, status)) return;
    const held = this.#titles.get(spaceId)?.get(title);
    for (const c of held === undefined ? [] : Array.isArray(held) ? held : [held]) {
      if (c.id !== selfId) {
        throw new ConfluenceDomainError("INVALID", "A page already exists with the same TITLE in this space");
      }
    }
  }

  add(c: Content): void {
    if (!reserves(c.type, c.status)) return;
    let space = this.#titles.get(c.spaceId);
    if (!space) {
      space = new Map();
      this.#titles.set(c.spaceId, space);
    }
    const held = space.get(c.title);
    if (held === undefined) space.set(c.title, c);
    else if (Array.isArray(held)) {
      if (!held.includes(c)) held.push(c);
    } else if (held !== c) space.set(c.title, [held, c]);
  }

  remove(c: Content): void {
    const space = this.#titles.get(c.spaceId);
    const held = space?.get(c.title);
    if (!space || held === undefined) return;
    if (!Array.isArray(held)) {
      if (held === c) space.delete(c.title);
      return;
    }
    const rest = held.filter((x) => x !== c);
    if (rest.length === 0) space.delete(c.title);
    else space.set(c.title, rest.length === 1 ? rest[0] : rest);
  }
}

function reserves(type: ContentType, status: ContentStatus): boolean {
  return type === "page" && (status === "current" || status === "archived");
}
