import { GraphError } from "./errors.ts";
import { assertAllowed, type ConnectionOperationName, quotaRefusal, refusal } from "./lifecycle.ts";
import type { ConnectionState, ExternalConnection, ItemIdResolver } from "./model.ts";
import type { GraphStore } from "./store.ts";

/** A connection as a create request describes it, checked by the route (routes/wire.ts). */
export interface ConnectionInput extends ConnectionPatch {
  id: string;
  name: string;
}

/** The members a create or update request may set; absent members stay as they are. */
export interface ConnectionPatch {
  name?: string;
  description?: string | null;
  configuration?: { authorizedAppIds: string[] };
  activitySettings?: { urlToItemResolvers: ItemIdResolver[] };
  searchSettings?: { searchResultTemplates: unknown[] };
  connectorId?: string | null;
  contentCategory?: string;
  enabledContentExperiences?: string;
  complianceSettings?: unknown;
}

/**
 * Connections and their state machine (lifecycle.ts): the one place that decides a connection's
 * state and refuses what the operation table forbids. Every other module asks `assert` first.
 */
export class Connections {
  constructor(readonly store: GraphStore) {}

  /** Applies schema operations whose provisioning time has passed on the SimClock. */
  settle(conn: ExternalConnection): void {
    const now = this.store.clock.now();
    for (const op of conn.operations.values()) {
      if (op.applied || op.completesAt > now) continue;
      op.applied = true;
      if (!op.failWith) conn.schema = op.schema;
    }
  }

  stateOf(conn: ExternalConnection): ConnectionState {
    this.settle(conn);
    if (conn.obsolete) return "obsolete";
    if (!conn.schema) return "draft";
    if (conn.items.size >= this.store.quotaOf(conn) || this.store.totalItems() >= this.store.itemsPerTenant)
      return "limitExceeded";
    return "ready";
  }

  /** Refuses `op` unless the operation table allows it in the connection's current state. */
  assert(conn: ExternalConnection, op: ConnectionOperationName): void {
    const state = this.stateOf(conn);
    if (state === "limitExceeded" && op === "createItem") {
      throw quotaRefusal(conn.id, conn.items.size >= this.store.quotaOf(conn) ? "connection" : "tenant");
    }
    assertAllowed(op, state, conn.id);
  }

  /** External groups are not in the documented table; an obsolete connection refuses their writes (inferred). */
  assertGroupWrite(conn: ExternalConnection): void {
    if (this.stateOf(conn) === "obsolete") throw refusal("updateItem", "obsolete", conn.id);
  }

  itemsRemaining(conn: ExternalConnection): number {
    const { store } = this;
    return Math.max(
      0,
      Math.min(store.quotaOf(conn) - conn.items.size, store.itemsPerTenant - store.totalItems()),
    );
  }

  /** Whether an app may see a connection under `.OwnedBy` (it created it or is authorised on it). */
  ownedBy(conn: ExternalConnection, appId: string): boolean {
    const a = appId.toLowerCase();
    return conn.ownerAppId === a || conn.configuration.authorizedAppIds.some((x) => x.toLowerCase() === a);
  }

  create(ownerAppId: string, input: ConnectionInput): ExternalConnection {
    const { connections, maxConnections } = this.store;
    const { id } = input;
    if ([...connections.keys()].some((k) => k.toLowerCase() === id.toLowerCase())) {
      throw new GraphError(409, "Conflict", "A connection with the same name already exists.", {
        code: "NameAlreadyExists",
        message: `A connection with id '${id}' already exists in this tenant.`,
      });
    }
    if (connections.size >= maxConnections) {
      throw new GraphError(
        403,
        "quotaLimitReached",
        `The tenant already has the maximum of ${maxConnections} connections.`,
        {
          code: "ConnectionQuotaExceeded",
          message: "Delete a connection before creating another.",
        },
      );
    }
    const conn: ExternalConnection = {
      id,
      name: input.name,
      description: null,
      configuration: { authorizedAppIds: [] },
      activitySettings: { urlToItemResolvers: [] },
      searchSettings: { searchResultTemplates: [] },
      connectorId: null,
      contentCategory: "uncategorized",
      enabledContentExperiences: "search",
      complianceSettings: null,
      ownerAppId: ownerAppId.toLowerCase(),
      obsolete: false,
      schema: null,
      submittedSchema: null,
      operations: new Map(),
      items: new Map(),
      groups: new Map(),
      groupsVersion: 0,
    };
    Object.assign(conn, definedMembers(input));
    connections.set(id, conn);
    return conn;
  }

  read(conn: ExternalConnection): ExternalConnection {
    this.assert(conn, "readConnection");
    return conn;
  }

  update(conn: ExternalConnection, patch: ConnectionPatch): void {
    this.assert(conn, "updateConnection");
    Object.assign(conn, definedMembers(patch));
  }

  delete(conn: ExternalConnection): void {
    this.assert(conn, "deleteConnection");
    this.store.connections.delete(conn.id);
  }
}

/** The members a request set (an absent member leaves the connection's value as it is). */
function definedMembers(patch: ConnectionPatch): ConnectionPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as ConnectionPatch;
}
