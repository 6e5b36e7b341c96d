import { type AccessDecision, decide, describeMatch, type Principal, principalFor } from "./acl.ts";
import type { Connections } from "./connections.ts";
import type { ExternalConnection, ExternalItem } from "./model.ts";
import { aggregate, applyAggregationFilters, sortHits } from "./search/aggregations.ts";
import { runQuery, type SearchHit } from "./search/search.ts";
import type { GraphStore } from "./store.ts";

export interface SearchRequestInput {
  query: string;
  connectionIds?: string[];
  from?: number;
  size?: number;
  fields?: string[];
  aggregations?: unknown;
  aggregationFilters?: unknown;
  sortProperties?: unknown;
}

export interface SearchResultItem {
  hitId: string;
  rank: number;
  summary: string;
  contentSource: string;
  properties: Record<string, unknown>;
}

export interface SearchResult {
  total: number;
  moreResultsAvailable: boolean;
  terms: string[];
  hits: SearchResultItem[];
  aggregations?: ReturnType<typeof aggregate>;
}

/**
 * Who may see which item: a directory user's memberships as a connection sees them (Entra and
 * external groups, cached), the ACL decision (deny beats grant), its explanation, and search as
 * that user, trimmed by the same decision.
 */
export class Access {
  #principals = new WeakMap<
    ExternalConnection,
    { directory: number; groups: number; byUser: Map<string, Principal | undefined> }
  >();

  constructor(
    readonly store: GraphStore,
    readonly connections: Connections,
  ) {}

  /** The user's memberships as one connection sees them, cached until the directory or its groups change. */
  principal(conn: ExternalConnection, user: string): Principal | undefined {
    const { directory } = this.store;
    let cache = this.#principals.get(conn);
    if (!cache || cache.directory !== directory.version || cache.groups !== conn.groupsVersion) {
      cache = { directory: directory.version, groups: conn.groupsVersion, byUser: new Map() };
      this.#principals.set(conn, cache);
    }
    const key = user.toLowerCase();
    if (!cache.byUser.has(key)) cache.byUser.set(key, principalFor(directory, user, conn.groups));
    return cache.byUser.get(key);
  }

  /** Does directory user `user` (id or UPN) have access to the item? Deny beats grant. */
  explain(
    user: string,
    connectionId: string,
    itemId: string,
  ): AccessDecision & { reasons: string[]; reason?: string } {
    const { directory } = this.store;
    const conn = this.store.connections.get(connectionId);
    const item = conn?.items.get(itemId);
    if (!conn || !item)
      return { allowed: false, grants: [], denies: [], reasons: [], reason: "no such item" };
    const p = this.principal(conn, user);
    if (!p) return { allowed: false, grants: [], denies: [], reasons: [], reason: "no such enabled user" };
    const d = decide(item.acl, p, directory.tenantId);
    const reasons = [...d.denies, ...d.grants].map((e) => describeMatch(e, directory, p.userId, conn.groups));
    if (reasons.length === 0) reasons.push("no ACL entry matches this user");
    else if (d.denies.length > 0 && d.grants.length > 0) reasons.push("deny takes precedence over grant");
    return { ...d, reasons };
  }

  canAccess(user: string, connectionId: string, itemId: string): boolean {
    const conn = this.store.connections.get(connectionId);
    const item = conn?.items.get(itemId);
    const p = conn && item ? this.principal(conn, user) : undefined;
    return p !== undefined && decide(item!.acl, p, this.store.directory.tenantId).allowed;
  }

  /** Search as a directory user: trimmed by the ACL decision, ranked, paged. */
  search(user: string, req: SearchRequestInput): SearchResult {
    const { connections, directory } = this.store;
    const candidates: Array<{ conn: ExternalConnection; item: ExternalItem }> = [];
    const ids = req.connectionIds ?? [...connections.keys()];
    for (const cid of ids) {
      const conn = connections.get(cid);
      if (!conn) continue;
      if (this.connections.stateOf(conn) === "draft") continue;
      const p = this.principal(conn, user);
      if (!p) continue;
      for (const item of conn.items.values()) {
        if (decide(item.acl, p, directory.tenantId).allowed) candidates.push({ conn, item });
      }
    }
    const conns = ids
      .map((id) => connections.get(id))
      .filter((c): c is ExternalConnection => c !== undefined);
    const matched = runQuery(req.query, candidates);
    const filtered = applyAggregationFilters(matched.hits, req.aggregationFilters, conns);
    const aggregations = aggregate(filtered, req.aggregations, conns);
    const hits = sortHits(filtered, req.sortProperties, conns);
    const from = req.from ?? 0;
    const size = req.size ?? 25;
    const page = hits.slice(from, from + size);
    return {
      total: hits.length,
      moreResultsAvailable: from + size < hits.length,
      terms: matched.terms,
      aggregations,
      hits: page.map((h: SearchHit, i) => ({
        hitId: h.item.id,
        rank: from + i + 1,
        summary: h.summary,
        contentSource: `/external/connections/${h.connectionId}`,
        properties: retrievable(connections.get(h.connectionId)!, h.item, req.fields),
      })),
    };
  }
}

/** The item's retrievable properties, limited to the requested fields (by name, label or alias). */
function retrievable(
  conn: ExternalConnection,
  item: ExternalItem,
  fields: string[] | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = conn.schema?.properties ?? [];
  const wanted = fields?.map((f) => f.toLowerCase());
  for (const p of props) {
    if (!p.isRetrievable) continue;
    const names = [p.name, ...(p.labels ?? []).map((l) => `label_${l}`), ...(p.aliases ?? [])].map((n) =>
      n.toLowerCase(),
    );
    if (wanted && !wanted.some((w) => names.includes(w))) continue;
    const v = item.properties[p.name];
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}
