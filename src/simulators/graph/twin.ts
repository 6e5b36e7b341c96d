import { createHash } from "node:crypto";
import type { DirectorySpec } from "../directory/model.ts";
import { Directory } from "../directory/store.ts";
import { TokenIssuer, type TokenIssuerOptions } from "../directory/tokens.ts";
import type { SimClock } from "../host/clock.ts";
import { type AccessDecision, decide, describeMatch, type Principal, principalFor } from "./acl.ts";
import { GraphError, invalidRequest } from "./errors.ts";
import {
  DEFAULT_ITEM_RULES,
  type ItemPatch,
  type ItemRules,
  rejectUnknownMembers,
  validateItemBody,
  validateItemId,
} from "./items.ts";
import { assertAllowed, type ConnectionOperationName, quotaRefusal, refusal } from "./lifecycle.ts";
import type {
  ConnectionOperation,
  ConnectionState,
  ExternalConnection,
  ExternalGroup,
  ExternalGroupMember,
  ExternalItem,
  Schema,
} from "./model.ts";
import { type ResolveResult, resolveUrl, validateResolvers } from "./resolvers.ts";
import { validateSchema, validateSchemaUpdate } from "./schema-rules.ts";
import { aggregate, applyAggregationFilters, sortHits } from "./search/aggregations.ts";
import { runQuery, type SearchHit } from "./search/search.ts";

export interface GraphTwinOptions {
  directory: Directory;
  clock: SimClock;
  /** How long a schema operation stays `inprogress` (SimClock ms). Real: 5–15 min; default 2 s. */
  schemaProvisioningMs?: number;
  /** Item quota per connection (docs: 5,000,000). */
  itemsPerConnection?: number;
  /** Item quota per tenant across connections (docs: 50,000,000). */
  itemsPerTenant?: number;
  /** Per-connection ingestion limit in items per second (docs: 25); off when undefined. */
  ingestionItemsPerSecond?: number;
  itemRules?: Partial<ItemRules>;
  /** Connections per tenant (docs 2022–24: 30). */
  maxConnections?: number;
  /** Token issuer shared with the login service; created from directory and clock when omitted. */
  issuer?: TokenIssuer;
  tokens?: TokenIssuerOptions;
}

const RESERVED_CONNECTION_IDS = [
  "None",
  "Directory",
  "Exchange",
  "ExchangeArchive",
  "LinkedIn",
  "Mailbox",
  "OneDriveBusiness",
  "SharePoint",
  "Teams",
  "Yammer",
  "Connectors",
  "TaskFabric",
  "PowerBI",
  "Assistant",
  "TopicEngine",
  "MSFT_All_Connectors",
].map((s) => s.toLowerCase());

/** Members a connection body may carry (v1.0 + beta); `state` is read-only but tolerated on input. */
const CONNECTION_MEMBERS = new Set([
  "id",
  "name",
  "description",
  "configuration",
  "activitySettings",
  "searchSettings",
  "connectorId",
  "contentCategory",
  "enabledContentExperiences",
  "complianceSettings",
  "state",
  "ingestedItemsCount",
]);

export interface RetryDisciplineRecord {
  connectionId: string;
  /** The request that was throttled and came back: `METHOD url`. */
  request: string;
  throttledAt: string;
  retryAfterSeconds: number;
  /** When the client came back (SimClock). */
  retriedAt: string;
  waitedSeconds: number;
  honoured: boolean;
}

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

/** Who a write is, for retry discipline: method + URL + body digest, and the client-request-id. */
export interface IngestionRequest {
  /** `METHOD url` (what the record shows). */
  request: string;
  /** `METHOD url` plus a digest of the body: the same request sent again. */
  identity: string;
  clientRequestId?: string;
}

interface ThrottledRequest {
  request: IngestionRequest;
  at: number;
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Requests answered 429 and not seen again yet. */
  throttled: ThrottledRequest[];
}

/**
 * The Graph connectors twin: connections, schema operations, items, external groups, quotas,
 * throttling, access decisions and search. Pure state and rules; routes translate HTTP to these calls.
 */
export class GraphTwin {
  readonly directory: Directory;
  readonly clock: SimClock;
  readonly issuer: TokenIssuer;
  readonly connections = new Map<string, ExternalConnection>();
  schemaProvisioningMs!: number;
  itemsPerConnection!: number;
  itemsPerTenant!: number;
  maxConnections!: number;
  ingestionItemsPerSecond!: number | undefined;
  itemRules: ItemRules;
  readonly retryDiscipline: RetryDisciplineRecord[] = [];
  #opSeq = 0;
  #failNext = new Map<string, string>();
  #buckets = new Map<string, Bucket>();
  #principals = new WeakMap<
    ExternalConnection,
    { directory: number; groups: number; byUser: Map<string, Principal | undefined> }
  >();
  #options: GraphTwinOptions;

  constructor(options: GraphTwinOptions) {
    this.#options = options;
    this.directory = options.directory;
    this.clock = options.clock;
    this.issuer = options.issuer ?? new TokenIssuer(options.directory, options.clock, options.tokens);
    this.itemRules = { ...DEFAULT_ITEM_RULES, ...options.itemRules };
    this.#applyTunables();
  }

  /** The settings scenarios may change at run time, back to the constructor's options. */
  #applyTunables(): void {
    const o = this.#options;
    this.schemaProvisioningMs = o.schemaProvisioningMs ?? 2_000;
    this.itemsPerConnection = o.itemsPerConnection ?? 5_000_000;
    this.itemsPerTenant = o.itemsPerTenant ?? 50_000_000;
    this.maxConnections = o.maxConnections ?? 30;
    this.ingestionItemsPerSecond = o.ingestionItemsPerSecond;
  }

  /** A twin over a directory loaded from its fixture object. */
  static fromSpec(
    spec: DirectorySpec,
    clock: SimClock,
    options: Omit<GraphTwinOptions, "directory" | "clock"> = {},
  ): GraphTwin {
    return new GraphTwin({ ...options, directory: new Directory(spec), clock });
  }

  /** An application token for a registered app (what client_credentials would issue). */
  async appToken(clientId: string): Promise<string> {
    const app = this.directory.app(clientId);
    if (!app) throw new Error(`no app registration ${clientId}`);
    return this.issuer.issueAppToken(app);
  }

  /**
   * A delegated token for a directory user (what ROPC would issue), for search-as-user over HTTP.
   * Uses the given app, or the first app consented for `ExternalItem.Read.All`.
   */
  async userToken(user: string, clientId?: string): Promise<string> {
    const u = this.directory.user(user);
    if (!u) throw new Error(`no user ${user}`);
    const app = clientId
      ? this.directory.app(clientId)
      : [...this.directory.apps.values()].find((a) => a.scopes.includes("ExternalItem.Read.All"));
    if (!app)
      throw new Error(
        clientId
          ? `no app registration ${clientId}`
          : "no app with the delegated ExternalItem.Read.All scope",
      );
    return this.issuer.issueUserToken(app, u);
  }

  reset(): void {
    this.connections.clear();
    this.retryDiscipline.length = 0;
    this.#buckets.clear();
    this.#failNext.clear();
    this.#opSeq = 0;
    this.#applyTunables();
  }

  // ── state ────────────────────────────────────────────────────────────────

  totalItems(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.items.size;
    return n;
  }

  /** Applies schema operations whose provisioning time has passed on the SimClock. */
  settle(conn: ExternalConnection): void {
    const now = this.clock.now();
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
    const limit = conn.itemQuota ?? this.itemsPerConnection;
    if (conn.items.size >= limit || this.totalItems() >= this.itemsPerTenant) return "limitExceeded";
    return "ready";
  }

  assert(conn: ExternalConnection, op: ConnectionOperationName): void {
    const state = this.stateOf(conn);
    if (state === "limitExceeded" && op === "createItem") {
      const limit = conn.itemQuota ?? this.itemsPerConnection;
      throw quotaRefusal(conn.id, conn.items.size >= limit ? "connection" : "tenant");
    }
    assertAllowed(op, state, conn.id);
  }

  itemsRemaining(conn: ExternalConnection): number {
    const limit = conn.itemQuota ?? this.itemsPerConnection;
    return Math.max(0, Math.min(limit - conn.items.size, this.itemsPerTenant - this.totalItems()));
  }

  // ── connections ──────────────────────────────────────────────────────────

  /** Whether an app may see a connection under `.OwnedBy` (it created it or is authorised on it). */
  ownedBy(conn: ExternalConnection, appId: string): boolean {
    const a = appId.toLowerCase();
    return conn.ownerAppId === a || conn.configuration.authorizedAppIds.some((x) => x.toLowerCase() === a);
  }

  createConnection(ownerAppId: string, body: Record<string, unknown>): ExternalConnection {
    rejectUnknownMembers(body, CONNECTION_MEMBERS, "microsoft.graph.externalConnectors.externalConnection");
    const id = body.id;
    if (typeof id !== "string" || !/^[A-Za-z0-9]{3,32}$/.test(id)) {
      throw invalidRequest(
        "InvalidConnectionId",
        `Connection id '${String(id)}' must be 3–32 alphanumeric characters.`,
      );
    }
    if (id.toLowerCase().startsWith("microsoft") || RESERVED_CONNECTION_IDS.includes(id.toLowerCase())) {
      throw invalidRequest(
        "ReservedConnectionId",
        `Connection id '${id}' is reserved (ids must not begin with 'Microsoft' or be a reserved name).`,
      );
    }
    if (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 128) {
      throw invalidRequest(
        "InvalidConnectionName",
        "Connection name is required and must be at most 128 characters.",
      );
    }
    if ([...this.connections.keys()].some((k) => k.toLowerCase() === id.toLowerCase())) {
      throw new GraphError(409, "Conflict", "A connection with the same name already exists.", {
        code: "NameAlreadyExists",
        message: `A connection with id '${id}' already exists in this tenant.`,
      });
    }
    if (this.connections.size >= this.maxConnections) {
      throw new GraphError(
        403,
        "quotaLimitReached",
        `The tenant already has the maximum of ${this.maxConnections} connections.`,
        {
          code: "ConnectionQuotaExceeded",
          message: "Delete a connection before creating another.",
        },
      );
    }
    const conn: ExternalConnection = {
      id,
      name: body.name,
      description: typeof body.description === "string" ? body.description : null,
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
    this.#applyConnectionPatch(conn, body);
    this.connections.set(id, conn);
    return conn;
  }

  updateConnection(conn: ExternalConnection, body: Record<string, unknown>): void {
    this.assert(conn, "updateConnection");
    rejectUnknownMembers(body, CONNECTION_MEMBERS, "microsoft.graph.externalConnectors.externalConnection");
    if (body.id !== undefined && body.id !== conn.id) {
      throw invalidRequest("ConnectionIdImmutable", "The connection id cannot be changed.");
    }
    if (
      body.name !== undefined &&
      (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 128)
    ) {
      throw invalidRequest("InvalidConnectionName", "Connection name must be 1–128 characters.");
    }
    if (typeof body.name === "string") conn.name = body.name;
    this.#applyConnectionPatch(conn, body);
  }

  #applyConnectionPatch(conn: ExternalConnection, body: Record<string, unknown>): void {
    if (body.description !== undefined)
      conn.description = body.description === null ? null : String(body.description);
    if (body.configuration !== undefined) {
      const ids = (body.configuration as { authorizedAppIds?: unknown } | null)?.authorizedAppIds;
      if (ids !== undefined && (!Array.isArray(ids) || !ids.every((x) => typeof x === "string"))) {
        throw invalidRequest(
          "InvalidConfiguration",
          "configuration.authorizedAppIds must be an array of app ids.",
        );
      }
      conn.configuration = { authorizedAppIds: (ids as string[] | undefined) ?? [] };
    }
    if (body.activitySettings !== undefined) {
      const s = (body.activitySettings ?? {}) as { urlToItemResolvers?: unknown };
      conn.activitySettings = { urlToItemResolvers: validateResolvers(s.urlToItemResolvers) };
    }
    if (body.searchSettings !== undefined) {
      const templates =
        ((body.searchSettings ?? {}) as { searchResultTemplates?: unknown }).searchResultTemplates ?? [];
      if (!Array.isArray(templates) || templates.length > 2) {
        throw invalidRequest("TooManySearchResultTemplates", "At most 2 searchResultTemplates are allowed.");
      }
      for (const t of templates as Array<Record<string, unknown>>) {
        if (typeof t?.id !== "string" || !/^[A-Za-z0-9]{1,16}$/.test(t.id)) {
          throw invalidRequest(
            "InvalidDisplayTemplateId",
            "Display template ids must be 1–16 alphanumeric characters.",
          );
        }
        if (typeof t.layout !== "object" || t.layout === null) {
          throw invalidRequest(
            "InvalidDisplayTemplateLayout",
            `Display template '${t.id}' needs an Adaptive Card layout object.`,
          );
        }
      }
      conn.searchSettings = { searchResultTemplates: templates };
    }
    if (body.connectorId !== undefined)
      conn.connectorId = body.connectorId === null ? null : String(body.connectorId);
    if (typeof body.contentCategory === "string") conn.contentCategory = body.contentCategory;
    if (typeof body.enabledContentExperiences === "string")
      conn.enabledContentExperiences = body.enabledContentExperiences;
    if (body.complianceSettings !== undefined) conn.complianceSettings = body.complianceSettings;
  }

  deleteConnection(conn: ExternalConnection): void {
    this.assert(conn, "deleteConnection");
    this.connections.delete(conn.id);
    this.#buckets.delete(conn.id);
  }

  // ── schema ───────────────────────────────────────────────────────────────

  /** PATCH/POST schema: validates synchronously, then provisions asynchronously on the SimClock. */
  submitSchema(conn: ExternalConnection, body: unknown): ConnectionOperation {
    const state = this.stateOf(conn);
    const op: ConnectionOperationName = conn.schema ? "updateSchema" : "createSchema";
    assertAllowed(op, state, conn.id);
    const schema: Schema = validateSchema(body);
    if (conn.schema) validateSchemaUpdate(conn.schema, schema);
    this.#opSeq += 1;
    const h = createHash("sha256").update(`${conn.id}:${this.#opSeq}`).digest("hex").toUpperCase();
    const operation: ConnectionOperation = {
      id: `1.neu.${h.slice(0, 32)}.${h.slice(32, 64)}`,
      connectionId: conn.id,
      kind: "schema",
      completesAt: this.clock.now() + this.schemaProvisioningMs,
      failWith: this.#failNext.get(conn.id),
      schema,
      applied: false,
    };
    this.#failNext.delete(conn.id);
    conn.operations.set(operation.id, operation);
    conn.submittedSchema = schema;
    this.settle(conn);
    return operation;
  }

  operationStatus(conn: ExternalConnection, op: ConnectionOperation): "inprogress" | "completed" | "failed" {
    this.settle(conn);
    if (!op.applied) return "inprogress";
    return op.failWith ? "failed" : "completed";
  }

  /** Scenario hook: the next schema operation of this connection ends `failed`. */
  failNextSchemaOperation(connectionId: string, message = "Server error, something went wrong"): void {
    this.#failNext.set(connectionId, message);
  }

  /** The schema GET shows: the active one, or the one still provisioning (observed). */
  visibleSchema(conn: ExternalConnection): Schema | null {
    this.settle(conn);
    return conn.schema ?? conn.submittedSchema;
  }

  // ── items ────────────────────────────────────────────────────────────────

  /** PUT: create (acl + ≥1 property) or replace the top-level members present. */
  putItem(conn: ExternalConnection, id: string, body: unknown): { created: boolean; item: ExternalItem } {
    validateItemId(id, this.itemRules);
    const existing = conn.items.get(id);
    this.assert(conn, existing ? "updateItem" : "createItem");
    const patch = validateItemBody(body, id, conn.schema!, !existing, this.itemRules);
    if (existing) {
      this.#apply(existing, patch);
      return { created: false, item: existing };
    }
    const now = this.clock.iso();
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
    return { created: true, item };
  }

  /** PATCH (older docs): update an existing item. */
  patchItem(conn: ExternalConnection, id: string, body: unknown): ExternalItem {
    const existing = conn.items.get(id);
    this.assert(conn, "updateItem");
    if (!existing) throw itemNotFound(id);
    const patch = validateItemBody(body, id, conn.schema!, false, this.itemRules);
    this.#apply(existing, patch);
    return existing;
  }

  #apply(item: ExternalItem, patch: ItemPatch): void {
    if (patch.acl) item.acl = patch.acl;
    if (patch.properties) item.properties = patch.properties;
    if (patch.content) item.content = patch.content;
    if (patch.activities) item.activities.push(...patch.activities);
    item.lastModifiedAt = this.clock.iso();
  }

  getItem(conn: ExternalConnection, id: string): ExternalItem {
    this.assert(conn, "readItem");
    const item = conn.items.get(id);
    if (!item) throw itemNotFound(id);
    return item;
  }

  deleteItem(conn: ExternalConnection, id: string): void {
    this.assert(conn, "deleteItem");
    if (!conn.items.delete(id)) throw itemNotFound(id);
  }

  // ── throttling ───────────────────────────────────────────────────────────

  /**
   * Token bucket per connection for ingestion writes (capacity = rate, refilled on the SimClock).
   * Returns Retry-After seconds when throttled. Also keeps the retry-discipline record, judged per
   * request: when a request that got a 429 comes back (same method + URL + body, or the same
   * client-request-id), was its Retry-After over? Other requests — ones already in flight when
   * the 429 went out, or the next items of a crawl — are not retries and are not judged.
   */
  takeIngestionToken(
    connectionId: string,
    request?: IngestionRequest,
    note?: (text: string) => void,
  ): number | undefined {
    const rate = this.ingestionItemsPerSecond;
    if (!rate) return undefined;
    const now = this.clock.now();
    let b = this.#buckets.get(connectionId);
    if (!b) {
      b = { tokens: rate, at: now, throttled: [] };
      this.#buckets.set(connectionId, b);
    }
    const i = request
      ? b.throttled.findIndex(
          (t) =>
            t.request.identity === request.identity ||
            (request.clientRequestId !== undefined && t.request.clientRequestId === request.clientRequestId),
        )
      : -1;
    if (i >= 0) {
      const [t] = b.throttled.splice(i, 1);
      const waited = (now - t.at) / 1000;
      const record: RetryDisciplineRecord = {
        connectionId,
        request: t.request.request,
        throttledAt: new Date(t.at).toISOString(),
        retryAfterSeconds: t.retryAfter,
        retriedAt: new Date(now).toISOString(),
        waitedSeconds: waited,
        honoured: waited >= t.retryAfter,
      };
      this.retryDiscipline.push(record);
      note?.(
        `retry discipline: ${t.request.request} came back ${waited}s after Retry-After ${t.retryAfter}s → ${record.honoured ? "honoured" : "VIOLATED"}`,
      );
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
    if (request) b.throttled.push({ request, at: now, retryAfter });
    note?.(`ingestion throttled for connection ${connectionId}: ${rate} items/s, Retry-After ${retryAfter}s`);
    return retryAfter;
  }

  // ── external groups ──────────────────────────────────────────────────────

  createGroup(conn: ExternalConnection, body: Record<string, unknown>): ExternalGroup {
    this.stateGuardForGroups(conn);
    const id = body.id;
    if (typeof id !== "string" || id.length === 0 || id.length > 128 || !/^[A-Za-z0-9_-]+$/.test(id)) {
      throw invalidRequest(
        "InvalidExternalGroupId",
        `External group id '${String(id)}' must be 1–128 characters from the URL-safe Base64 set.`,
      );
    }
    if (conn.groups.has(id)) {
      throw new GraphError(409, "Conflict", `An external group with id '${id}' already exists.`, {
        code: "NameAlreadyExists",
        message: `External group '${id}' already exists in connection '${conn.id}'.`,
      });
    }
    const group: ExternalGroup = {
      id,
      displayName: typeof body.displayName === "string" ? body.displayName : null,
      description: typeof body.description === "string" ? body.description : null,
      members: new Map(),
    };
    conn.groups.set(id, group);
    conn.groupsVersion += 1;
    return group;
  }

  getGroup(conn: ExternalConnection, id: string): ExternalGroup {
    const g = conn.groups.get(id);
    if (!g) {
      throw new GraphError(404, "itemNotFound", `External group '${id}' was not found.`, {
        code: "ExternalGroupNotFound",
        message: `No external group '${id}' in connection '${conn.id}'.`,
      });
    }
    return g;
  }

  updateGroup(conn: ExternalConnection, id: string, body: Record<string, unknown>): ExternalGroup {
    this.stateGuardForGroups(conn);
    const g = this.getGroup(conn, id);
    if (body.displayName !== undefined)
      g.displayName = body.displayName === null ? null : String(body.displayName);
    if (body.description !== undefined)
      g.description = body.description === null ? null : String(body.description);
    return g;
  }

  deleteGroup(conn: ExternalConnection, id: string): void {
    this.stateGuardForGroups(conn);
    this.getGroup(conn, id);
    conn.groups.delete(id);
    conn.groupsVersion += 1;
  }

  addGroupMember(
    conn: ExternalConnection,
    groupId: string,
    body: Record<string, unknown>,
  ): ExternalGroupMember {
    this.stateGuardForGroups(conn);
    const g = this.getGroup(conn, groupId);
    if (typeof body.id !== "string" || body.id.length === 0)
      throw invalidRequest("InvalidMember", "A member needs an id.");
    const type = body.type;
    if (type !== "user" && type !== "group" && type !== "externalGroup") {
      throw new GraphError(400, "BadRequest", `Requested value '${String(type)}' was not found.`, {
        code: "InvalidEnumValue",
        message: "Member type must be user, group or externalGroup.",
      });
    }
    if (g.members.has(body.id)) {
      throw new GraphError(409, "Conflict", `'${body.id}' is already a member of '${groupId}'.`, {
        code: "MemberAlreadyExists",
        message: `'${body.id}' is already a member.`,
      });
    }
    const member: ExternalGroupMember = { id: body.id, type };
    if (typeof body.identitySource === "string") member.identitySource = body.identitySource;
    g.members.set(body.id, member);
    conn.groupsVersion += 1;
    return member;
  }

  removeGroupMember(conn: ExternalConnection, groupId: string, memberId: string): void {
    this.stateGuardForGroups(conn);
    const g = this.getGroup(conn, groupId);
    if (!g.members.delete(memberId)) {
      throw new GraphError(404, "itemNotFound", `Member '${memberId}' was not found.`, {
        code: "MemberNotFound",
        message: `'${memberId}' is not a member of '${groupId}'.`,
      });
    }
    conn.groupsVersion += 1;
  }

  /** Groups are not in the documented table; obsolete connections refuse writes (inferred). */
  stateGuardForGroups(conn: ExternalConnection): void {
    if (this.stateOf(conn) === "obsolete") throw refusal("updateItem", "obsolete", conn.id);
  }

  // ── access, resolvers, search (the scenario engine's API) ───────────────

  /** The user's memberships as one connection sees them, cached until the directory or its groups change. */
  principal(conn: ExternalConnection, user: string): Principal | undefined {
    let cache = this.#principals.get(conn);
    if (!cache || cache.directory !== this.directory.version || cache.groups !== conn.groupsVersion) {
      cache = { directory: this.directory.version, groups: conn.groupsVersion, byUser: new Map() };
      this.#principals.set(conn, cache);
    }
    const key = user.toLowerCase();
    if (!cache.byUser.has(key)) cache.byUser.set(key, principalFor(this.directory, user, conn.groups));
    return cache.byUser.get(key);
  }

  connection(id: string): ExternalConnection | undefined {
    return this.connections.get(id);
  }

  /** Does directory user `user` (id or UPN) have access to the item? Deny beats grant. */
  explainAccess(
    user: string,
    connectionId: string,
    itemId: string,
  ): AccessDecision & { reasons: string[]; reason?: string } {
    const conn = this.connections.get(connectionId);
    const item = conn?.items.get(itemId);
    if (!conn || !item)
      return { allowed: false, grants: [], denies: [], reasons: [], reason: "no such item" };
    const p = this.principal(conn, user);
    if (!p) return { allowed: false, grants: [], denies: [], reasons: [], reason: "no such enabled user" };
    const d = decide(item.acl, p, this.directory.tenantId);
    const reasons = [...d.denies, ...d.grants].map((e) =>
      describeMatch(e, this.directory, p.userId, conn.groups),
    );
    if (reasons.length === 0) reasons.push("no ACL entry matches this user");
    else if (d.denies.length > 0 && d.grants.length > 0) reasons.push("deny takes precedence over grant");
    return { ...d, reasons };
  }

  canAccess(user: string, connectionId: string, itemId: string): boolean {
    const conn = this.connections.get(connectionId);
    const item = conn?.items.get(itemId);
    const p = conn && item ? this.principal(conn, user) : undefined;
    return p !== undefined && decide(item!.acl, p, this.directory.tenantId).allowed;
  }

  resolveUrl(connectionId: string, url: string): ResolveResult | undefined {
    const conn = this.connections.get(connectionId);
    return conn ? resolveUrl(conn.activitySettings.urlToItemResolvers, url) : undefined;
  }

  /** Search as a directory user: trimmed by `canAccess`, ranked, paged. */
  search(
    user: string,
    req: SearchRequestInput,
  ): {
    total: number;
    moreResultsAvailable: boolean;
    terms: string[];
    hits: SearchResultItem[];
    aggregations?: ReturnType<typeof aggregate>;
  } {
    const candidates: Array<{ conn: ExternalConnection; item: ExternalItem }> = [];
    const ids = req.connectionIds ?? [...this.connections.keys()];
    for (const cid of ids) {
      const conn = this.connections.get(cid);
      if (!conn) continue;
      const state = this.stateOf(conn);
      if (state === "draft") continue;
      const p = this.principal(conn, user);
      if (!p) continue;
      for (const item of conn.items.values()) {
        if (decide(item.acl, p, this.directory.tenantId).allowed) candidates.push({ conn, item });
      }
    }
    const conns = ids
      .map((id) => this.connections.get(id))
      .filter((c): c is ExternalConnection => c !== undefined);
    const matched = runQuery(req.query, candidates);
    const terms = matched.terms;
    const filtered = applyAggregationFilters(matched.hits, req.aggregationFilters, conns);
    const aggregations = aggregate(filtered, req.aggregations, conns);
    const hits = sortHits(filtered, req.sortProperties, conns);
    const from = req.from ?? 0;
    const size = req.size ?? 25;
    const page = hits.slice(from, from + size);
    return {
      total: hits.length,
      moreResultsAvailable: from + size < hits.length,
      terms,
      aggregations,
      hits: page.map((h: SearchHit, i) => ({
        hitId: h.item.id,
        rank: from + i + 1,
        summary: h.summary,
        contentSource: `/external/connections/${h.connectionId}`,
        properties: this.#retrievable(this.connections.get(h.connectionId)!, h.item, req.fields),
      })),
    };
  }

  #retrievable(
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

  /** Scenario hook: a dependency was deprecated (or restored). */
  makeObsolete(connectionId: string, obsolete = true): void {
    const conn = this.connections.get(connectionId);
    if (!conn) throw new Error(`no connection ${connectionId}`);
    conn.obsolete = obsolete;
  }

  /** Scenario hook: quotas (per connection, per tenant, or one connection's own limit). */
  setQuota(q: { perConnection?: number; perTenant?: number; connectionId?: string; items?: number }): void {
    if (q.perConnection !== undefined) this.itemsPerConnection = q.perConnection;
    if (q.perTenant !== undefined) this.itemsPerTenant = q.perTenant;
    if (q.connectionId !== undefined) {
      const conn = this.connections.get(q.connectionId);
      if (!conn) throw new Error(`no connection ${q.connectionId}`);
      conn.itemQuota = q.items;
    }
  }

  snapshot() {
    return {
      connections: [...this.connections.values()].map((c) => ({
        id: c.id,
        name: c.name,
        state: this.stateOf(c),
        ownerAppId: c.ownerAppId,
        schema: c.schema,
        items: c.items.size,
        groups: c.groups.size,
        operations: [...c.operations.values()].map((o) => ({ id: o.id, status: this.operationStatus(c, o) })),
      })),
      quotas: { itemsPerConnection: this.itemsPerConnection, itemsPerTenant: this.itemsPerTenant },
      retryDiscipline: this.retryDiscipline,
    };
  }
}

export function itemNotFound(id: string): GraphError {
  return new GraphError(404, "itemNotFound", `The item '${id}' was not found.`, {
    code: "ItemNotFound",
    message: `No externalItem with id '${id}' in this connection.`,
  });
}
