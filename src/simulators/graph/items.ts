import type { Connections } from "./connections.ts";
import { GraphError } from "./errors.ts";
import { checkItemAgainstSchema, type ItemPatch } from "./item-rules.ts";
import type { ExternalActivity, ExternalConnection, ExternalItem } from "./model.ts";

/** Items of a connection: PUT (create or replace members), PATCH, GET, DELETE and activities. */
export class Items {
  constructor(readonly connections: Connections) {}

  /** PUT: create (acl + ≥1 property) or replace the top-level members present. */
  put(
    conn: ExternalConnection,
    id: string,
    input: ItemPatch,
  ): { created: boolean; item: ExternalItem; warnings?: string[] } {
    const existing = conn.items.get(id);
    this.connections.assert(conn, existing ? "updateItem" : "createItem");
    const patch = this.#shared(
      checkItemAgainstSchema(input, conn.schema!, !existing, this.connections.store.itemRules),
    );
    if (existing) {
      this.#apply(existing, patch);
      return { created: false, item: existing, warnings: patch.warnings };
    }
    const now = this.connections.store.clock.iso();
    const item: ExternalItem = {
      id,
      acl: patch.acl!,
      properties: patch.properties!,
      content: patch.content,
      activities: patch.activities ?? [],
      createdAt: now,
      lastModifiedAt: now,
    };
    conn.items.set(id, item);
    return { created: true, item, warnings: patch.warnings };
  }

  /** PATCH (older docs): update an existing item. */
  patch(conn: ExternalConnection, id: string, input: ItemPatch): ExternalItem {
    const existing = conn.items.get(id);
    this.connections.assert(conn, "updateItem");
    if (!existing) throw itemNotFound(id);
    this.#apply(
      existing,
      this.#shared(checkItemAgainstSchema(input, conn.schema!, false, this.connections.store.itemRules)),
    );
    return existing;
  }

  /** The patch with its ACL and repeated property values shared with other items (ItemValues). */
  #shared(patch: ItemPatch): ItemPatch {
    const { itemValues } = this.connections.store;
    if (patch.acl) patch.acl = itemValues.acl(patch.acl);
    if (patch.properties) patch.properties = itemValues.properties(patch.properties);
    return patch;
  }

  #apply(item: ExternalItem, patch: ItemPatch): void {
    if (patch.acl) item.acl = patch.acl;
    if (patch.properties) item.properties = patch.properties;
    if (patch.content) item.content = patch.content;
    if (patch.activities) item.activities.push(...patch.activities);
    item.lastModifiedAt = this.connections.store.clock.iso();
  }

  get(conn: ExternalConnection, id: string): ExternalItem {
    this.connections.assert(conn, "readItem");
    const item = conn.items.get(id);
    if (!item) throw itemNotFound(id);
    return item;
  }

  delete(conn: ExternalConnection, id: string): void {
    this.connections.assert(conn, "deleteItem");
    if (!conn.items.delete(id)) throw itemNotFound(id);
  }

  /** `addActivities`: records activities on an existing item (its members stay as they are). */
  addActivities(conn: ExternalConnection, id: string, activities: ExternalActivity[]): void {
    const item = this.get(conn, id);
    this.connections.assert(conn, "updateItem");
    item.activities.push(...activities);
  }
}

export function itemNotFound(id: string): GraphError {
  return new GraphError(404, "itemNotFound", `The item '${id}' was not found.`, {
    code: "ItemNotFound",
    message: `No externalItem with id '${id}' in this connection.`,
  });
}
