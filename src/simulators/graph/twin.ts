import type { DirectorySpec } from "../directory/model.ts";
import { Directory } from "../directory/store.ts";
import { TokenIssuer, type TokenIssuerOptions } from "../directory/tokens.ts";
import type { SimClock } from "../host/clock.ts";
import { Access, type SearchRequestInput, type SearchResult } from "./access.ts";
import type { AccessDecision } from "./acl.ts";
import { type ConnectionInput, type ConnectionPatch, Connections } from "./connections.ts";
import { type ExternalGroupInput, type ExternalGroupPatch, ExternalGroups } from "./external-groups.ts";
import type { ItemPatch, ItemRules } from "./item-rules.ts";
import { Items } from "./items.ts";
import type {
  ConnectionOperation,
  ConnectionState,
  ExternalActivity,
  ExternalConnection,
  ExternalGroup,
  ExternalGroupMember,
  ExternalItem,
  Schema,
} from "./model.ts";
import { type ResolveResult, resolveUrl } from "./resolvers.ts";
import { type OperationStatus, SchemaOperations } from "./schema-operations.ts";
import { type GraphSettings, GraphStore } from "./store.ts";
import { type IngestionRequest, IngestionThrottle, type RetryDisciplineRecord } from "./throttling.ts";

export type { SearchRequestInput, SearchResultItem } from "./access.ts";
export type { ConnectionInput, ConnectionPatch } from "./connections.ts";
export type { ExternalGroupInput, ExternalGroupPatch } from "./external-groups.ts";
export type { IngestionRequest, RetryDisciplineRecord } from "./throttling.ts";

export interface GraphTwinOptions extends GraphSettings {
  directory: Directory;
  clock: SimClock;
  /** Token issuer shared with the login service (the directory twin's); created from directory and clock when omitted. */
  issuer?: TokenIssuer;
  tokens?: TokenIssuerOptions;
}

/**
 * The Graph connectors twin's façade: connections (and their state machine), schema operations,
 * items, external groups, ingestion throttling, access decisions and search, each in its own
 * module over one GraphStore. Routes translate HTTP to these calls with typed inputs; scenarios
 * and tests use the same calls in-process.
 */
export class GraphTwin {
  readonly store: GraphStore;
  readonly issuer: TokenIssuer;
  readonly #connections: Connections;
  readonly #schemas: SchemaOperations;
  readonly #items: Items;
  readonly #groups: ExternalGroups;
  readonly #throttle: IngestionThrottle;
  readonly #access: Access;

  constructor(options: GraphTwinOptions) {
    const { directory, clock, issuer, tokens, ...settings } = options;
    this.store = new GraphStore(directory, clock, settings);
    this.issuer = issuer ?? new TokenIssuer(directory, clock, tokens);
    this.#connections = new Connections(this.store);
    this.#schemas = new SchemaOperations(this.#connections);
    this.#items = new Items(this.#connections);
    this.#groups = new ExternalGroups(this.#connections);
    this.#throttle = new IngestionThrottle(this.store);
    this.#access = new Access(this.store, this.#connections);
  }

  /** A twin over a directory loaded from its fixture object. */
  static fromSpec(
    spec: DirectorySpec,
    clock: SimClock,
    options: Omit<GraphTwinOptions, "directory" | "clock"> = {},
  ): GraphTwin {
    return new GraphTwin({ ...options, directory: new Directory(spec), clock });
  }

  get directory(): Directory {
    return this.store.directory;
  }

  get clock(): SimClock {
    return this.store.clock;
  }

  get connections(): Map<string, ExternalConnection> {
    return this.store.connections;
  }

  connection(id: string): ExternalConnection | undefined {
    return this.store.connections.get(id);
  }

  // ── settings scenarios change at run time ──────────────────────────────

  get schemaProvisioningMs(): number {
    return this.store.schemaProvisioningMs;
  }
  set schemaProvisioningMs(ms: number) {
    this.store.schemaProvisioningMs = ms;
  }
  get itemsPerConnection(): number {
    return this.store.itemsPerConnection;
  }
  get itemsPerTenant(): number {
    return this.store.itemsPerTenant;
  }
  get ingestionItemsPerSecond(): number | undefined {
    return this.store.ingestionItemsPerSecond;
  }
  set ingestionItemsPerSecond(rate: number | undefined) {
    this.store.ingestionItemsPerSecond = rate;
  }
  get itemRules(): ItemRules {
    return this.store.itemRules;
  }
  /** Refuse non-ASCII strings without `"String"` annotation (`POST /_sim/graph/strict-odata-types`). */
  get strictODataTypes(): boolean {
    return this.store.itemRules.strictODataTypes;
  }
  set strictODataTypes(strict: boolean) {
    this.store.itemRules = { ...this.store.itemRules, strictODataTypes: strict };
  }

  /** Scenario hook: quotas (per connection, per tenant, or one connection's own limit). */
  setQuota(q: { perConnection?: number; perTenant?: number; connectionId?: string; items?: number }): void {
    if (q.perConnection !== undefined) this.store.itemsPerConnection = q.perConnection;
    if (q.perTenant !== undefined) this.store.itemsPerTenant = q.perTenant;
    if (q.connectionId !== undefined) this.#known(q.connectionId).itemQuota = q.items;
  }

  /** Scenario hook: a dependency was deprecated (or restored); only read and delete remain. */
  makeObsolete(connectionId: string, obsolete = true): void {
    this.#known(connectionId).obsolete = obsolete;
  }

  /** Scenario hook: the next schema operation of this connection ends `failed`. */
  failNextSchemaOperation(connectionId: string, message?: string): void {
    this.#schemas.failNext(connectionId, message);
  }

  #known(connectionId: string): ExternalConnection {
    const conn = this.store.connections.get(connectionId);
    if (!conn) throw new Error(`no connection ${connectionId}`);
    return conn;
  }

  // ── tokens (signed by the directory's issuer) ─────────────────────────

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

  // ── connections and their state ────────────────────────────────────────

  stateOf(conn: ExternalConnection): ConnectionState {
    return this.#connections.stateOf(conn);
  }

  itemsRemaining(conn: ExternalConnection): number {
    return this.#connections.itemsRemaining(conn);
  }

  /** Whether an app may see a connection under `.OwnedBy` (it created it or is authorised on it). */
  ownedBy(conn: ExternalConnection, appId: string): boolean {
    return this.#connections.ownedBy(conn, appId);
  }

  createConnection(ownerAppId: string, input: ConnectionInput): ExternalConnection {
    return this.#connections.create(ownerAppId, input);
  }

  readConnection(conn: ExternalConnection): ExternalConnection {
    return this.#connections.read(conn);
  }

  updateConnection(conn: ExternalConnection, patch: ConnectionPatch): void {
    this.#connections.update(conn, patch);
  }

  deleteConnection(conn: ExternalConnection): void {
    this.#connections.delete(conn);
    this.#throttle.forget(conn.id);
  }

  // ── schema ───────────────────────────────────────────────────────────────

  /** PATCH/POST schema: checked at once, then provisioned asynchronously on the SimClock. */
  submitSchema(conn: ExternalConnection, schema: Schema): ConnectionOperation {
    return this.#schemas.submit(conn, schema);
  }

  readSchema(conn: ExternalConnection): Schema {
    return this.#schemas.read(conn);
  }

  deleteSchema(conn: ExternalConnection): void {
    this.#schemas.delete(conn);
  }

  operation(conn: ExternalConnection, id: string): ConnectionOperation {
    return this.#schemas.operation(conn, id);
  }

  operationStatus(conn: ExternalConnection, op: ConnectionOperation): OperationStatus {
    return this.#schemas.status(conn, op);
  }

  // ── items ────────────────────────────────────────────────────────────────

  putItem(
    conn: ExternalConnection,
    id: string,
    input: ItemPatch,
  ): { created: boolean; item: ExternalItem; warnings?: string[] } {
    return this.#items.put(conn, id, input);
  }

  patchItem(conn: ExternalConnection, id: string, input: ItemPatch): ExternalItem {
    return this.#items.patch(conn, id, input);
  }

  getItem(conn: ExternalConnection, id: string): ExternalItem {
    return this.#items.get(conn, id);
  }

  deleteItem(conn: ExternalConnection, id: string): void {
    this.#items.delete(conn, id);
  }

  addActivities(conn: ExternalConnection, id: string, activities: ExternalActivity[]): void {
    this.#items.addActivities(conn, id, activities);
  }

  // ── ingestion throttling ─────────────────────────────────────────────────

  /** Retry-After seconds when the connection's ingestion bucket is empty (and the discipline record). */
  takeIngestionToken(
    connectionId: string,
    request?: IngestionRequest,
    note?: (text: string) => void,
  ): number | undefined {
    return this.#throttle.take(connectionId, request, note);
  }

  get retryDiscipline(): RetryDisciplineRecord[] {
    return this.#throttle.records;
  }

  // ── external groups ──────────────────────────────────────────────────────

  createGroup(conn: ExternalConnection, input: ExternalGroupInput): ExternalGroup {
    return this.#groups.create(conn, input);
  }

  getGroup(conn: ExternalConnection, id: string): ExternalGroup {
    return this.#groups.get(conn, id);
  }

  updateGroup(conn: ExternalConnection, id: string, patch: ExternalGroupPatch): ExternalGroup {
    return this.#groups.update(conn, id, patch);
  }

  deleteGroup(conn: ExternalConnection, id: string): void {
    this.#groups.delete(conn, id);
  }

  addGroupMember(
    conn: ExternalConnection,
    groupId: string,
    member: ExternalGroupMember,
  ): ExternalGroupMember {
    return this.#groups.addMember(conn, groupId, member);
  }

  removeGroupMember(conn: ExternalConnection, groupId: string, memberId: string): void {
    this.#groups.removeMember(conn, groupId, memberId);
  }

  // ── access, resolvers, search (the scenario engine's API) ───────────────

  /** Does directory user `user` (id or UPN) have access to the item? Deny beats grant. */
  explainAccess(
    user: string,
    connectionId: string,
    itemId: string,
  ): AccessDecision & { reasons: string[]; reason?: string } {
    return this.#access.explain(user, connectionId, itemId);
  }

  canAccess(user: string, connectionId: string, itemId: string): boolean {
    return this.#access.canAccess(user, connectionId, itemId);
  }

  /** Search as a directory user: trimmed by `canAccess`, ranked, paged. */
  search(user: string, req: SearchRequestInput): SearchResult {
    return this.#access.search(user, req);
  }

  resolveUrl(connectionId: string, url: string): ResolveResult | undefined {
    const conn = this.store.connections.get(connectionId);
    return conn ? resolveUrl(conn.activitySettings.urlToItemResolvers, url) : undefined;
  }

  // ── admin ────────────────────────────────────────────────────────────────

  reset(): void {
    this.store.reset();
    this.#throttle.reset();
    this.#schemas.reset();
  }

  snapshot() {
    return {
      connections: [...this.store.connections.values()].map((c) => ({
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
