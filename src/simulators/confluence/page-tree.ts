import type { Content } from "./model.ts";

/**
 * The page tree: child page ids per parent in position order, the next position of a root page
 * per space, and the ancestor chain. Positions number children 1, 2, … after the last sibling and roots 0, 1, …
 */
export class PageTree {
  #childrenOf = new Map<string, string[]>();
  #rootCount = new Map<string, number>();

  /** Child page ids in position order. */
  childIds(id: string): readonly string[] {
    return this.#childrenOf.get(id) ?? [];
  }

  /** Puts a page last among the children of `parentId` (`positionOf` reads a sibling's position). */
  attach(content: Content, parentId: string, positionOf: (id: string) => number | null | undefined): void {
    const siblings = this.#childrenOf.get(parentId) ?? [];
    const last = siblings.length ? (positionOf(siblings[siblings.length - 1]) ?? 0) : 0;
    content.position = last + 1;
    siblings.push(content.id);
    this.#childrenOf.set(parentId, siblings);
  }

  detach(content: Content): void {
    if (!content.parentId) return;
    const siblings = this.#childrenOf.get(content.parentId);
    if (siblings) siblings.splice(siblings.indexOf(content.id), 1);
  }

  /** Ancestors of a page, highest first, following `parentId` (a cycle or a missing parent ends the chain). */
  ancestors(content: Content, get: (id: string) => Content | undefined): Content[] {
    const out: Content[] = [];
    let parentId = content.parentId;
    const seen = new Set<string>();
    while (parentId && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = get(parentId);
      if (!parent) break;
      out.unshift(parent);
      parentId = parent.parentId;
    }
    return out;
  }

  /** A purged page's children list goes with it. */
  forget(id: string): void {
    this.#childrenOf.delete(id);
  }

  nextRootPosition(spaceId: string): number {
    const roots = this.#rootCount.get(spaceId) ?? 0;
    this.#rootCount.set(spaceId, roots + 1);
    return roots;
  }
}
