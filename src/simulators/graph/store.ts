import type { Directory } from "../directory/store.ts";
import type { SimClock } from "../host/clock.ts";
import { DEFAULT_ITEM_RULES, type ItemRules } from "./item-rules.ts";
import { ItemValues } from "./item-values.ts";
import type { ExternalConnection } from "./model.ts";

/** The Graph twin's settings that scenarios may change at run time (`POST /_sim/graph/…`). */
export interface GraphSettings {
  /** How long a schema operation stays `inprogress` (SimClock ms). Real: 5–15 min; default 2 s. */
  schemaProvisioningMs?: number;
  /** Item quota per connection (docs: 5,000,000). */
  itemsPerConnection?: number;
  /** Item quota per tenant across connections (docs: 50,000,000). */
  itemsPerTenant?: number;
  /** Per-connection ingestion limit in items per second (docs: 25); off when undefined. */
  ingestionItemsPerSecond?: number;
  itemRules?: Partial<ItemRules>;
  /** Shorthand for `itemRules.strictODataTypes`: refuse non-ASCII strings without `"String"` annotation. */
  strictODataTypes?: boolean;
  /** Connections per tenant (docs 2022–24: 30). */
  maxConnections?: number;
}

/**
 * The Graph connectors tenant's state: its connections (each with schema, operations, items and
 * external groups) and the settings that bound them. The resource modules (connections.ts,
 * schema-operations.ts, items.ts, external-groups.ts, throttling.ts, access.ts) read and change it.
 */
export class GraphStore {
  readonly connections = new Map<string, ExternalConnection>();
  schemaProvisioningMs!: number;
  itemsPerConnection!: number;
  itemsPerTenant!: number;
  maxConnections!: number;
  ingestionItemsPerSecond!: number | undefined;
  itemRules!: ItemRules;
  /** ACLs and property values items share, stored once. */
  readonly itemValues = new ItemValues();

  constructor(
    readonly directory: Directory,
    readonly clock: SimClock,
    readonly initial: GraphSettings = {},
  ) {
    this.#applySettings();
  }

  /** No connections, settings as first given. */
  reset(): void {
    this.connections.clear();
    this.itemValues.clear();
    this.#applySettings();
  }

  #applySettings(): void {
    const o = this.initial;
    this.schemaProvisioningMs = o.schemaProvisioningMs ?? 2_000;
    this.itemsPerConnection = o.itemsPerConnection ?? 5_000_000;
    this.itemsPerTenant = o.itemsPerTenant ?? 50_000_000;
    this.maxConnections = o.maxConnections ?? 30;
    this.ingestionItemsPerSecond = o.ingestionItemsPerSecond;
    this.itemRules = { ...DEFAULT_ITEM_RULES, ...o.itemRules };
    if (o.strictODataTypes !== undefined) this.itemRules.strictODataTypes = o.strictODataTypes;
  }

  totalItems(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.items.size;
    return n;
  }

  /** The connection's own item quota, or the tenant-wide default per connection. */
  quotaOf(conn: ExternalConnection): number {
    return conn.itemQuota ?? this.itemsPerConnection;
  }
}
