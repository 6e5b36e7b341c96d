import { type AclPlanner, confluenceGroupId } from "../acl.ts";
import { CONTENT_EXPAND, RESTRICTION_EXPAND } from "../confluence/client.ts";
import type { V2Space } from "../confluence/wire.ts";
import type { Connector } from "../connector.ts";
import { ConnectorError } from "../errors.ts";
import type { AclEntry, ExternalItem } from "../graph/client.ts";
import { buildItem, hashOf } from "../items.ts";
import type { ConfluenceUser, CrawledContent, CrawledSpace, PrincipalSet } from "../model.ts";
import type { Audience } from "../permissions.ts";
import type {
  CrawlFailure,
  CrawlPhase,
  CrawlReport,
  ItemError,
  ProgressEvent,
  ProgressKind,
  UnmappedIdentity,
} from "../report.ts";
import type { Checkpoint, ConnectorState } from "../state.ts";

/**
 * One crawl run. Full: spaces → content (+ restrictions in bulk) → ACLs → external groups →
 * upsert changed items → after a complete listing, delete what vanished. Incremental: CQL
 * `lastmodified >=` the watermark minus skew; content updates only by default.
 */
export class Crawl {
  readonly #c: Connector;
  readonly #started: number;
  readonly #wallStart = performance.now();
  #state!: ConnectorState;
  #checkpoint!: Checkpoint;
  #resumed = false;
  #planner!: AclPlanner;
  #everyone = "everyone";
  #sinceSave = 0;
  #timeZone: string | null = null;
  #sinceCheckpoint = 0;
  #spaceItems = 0;
  #users = new Map<string, ConfluenceUser>();
  #groupMembers = new Map<string, string[]>();
  #groupNames = new Map<string, string>();
  #entra = new Map<string, string | null>();
  #restrictions = new Map<string, PrincipalSet | null>();
  #ancestorIds = new Map<string, string[]>();
  #spaces = new Map<string, CrawledSpace>();
  #syncedGroups = new Set<string>();
  #unmapped = new Map<string, UnmappedIdentity>();
  #partialAcl = new Set<string>();
  #errors: ItemError[] = [];
  /** Where the crawl is: what a failure reports as the place it stopped. */
  #where: { phase: CrawlPhase; space?: string } = { phase: "setup" };
  #phases: CrawlReport["phasesMs"] = {
    setup: 0,
    listing: 0,
    permissions: 0,
    groups: 0,
    items: 0,
    deletions: 0,
  };
  #counts: CrawlReport["counts"] = {
    discovered: 0,
    indexed: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    groupsWritten: 0,
    groupsDeleted: 0,
  };

  constructor(
    connector: Connector,
    readonly mode: "full" | "incremental",
    private readonly onProgress?: (e: ProgressEvent) => void,
  ) {
    this.#c = connector;
    this.#started = connector.runtime.now();
  }

  get #config() {
    return this.#c.config;
  }

  get #everyoneMode() {
    return this.#config.permissions.mode === "everyone";
  }

  /**
   * Runs setup and the crawl. A crawl that stops on a connector error (a Microsoft code) resolves
   * with its partial report, `fatal` saying why and where; anything else (a defect) is thrown.
   */
  async run(): Promise<CrawlReport> {
    try {
      await this.#time("setup", () => this.#c.setup());
    } catch (error) {
      if (error instanceof ConnectorError) return this.#report(false, this.#failure(error));
      throw error;
    }
    this.#state = await this.#c.state();
    const previous = this.#state.checkpoint;
    if (previous && previous.mode === this.mode) {
      this.#checkpoint = previous;
      this.#resumed = true;
    } else {
      this.#checkpoint = { mode: this.mode, startedAt: this.#started, spacesDone: [], seen: [] };
    }
    this.#state.checkpoint = this.#checkpoint;
    await this.#c.saveState();
    try {
      await this.#time("setup", async () => {
        this.#everyone = await this.#c.graph.everyoneValue();
        this.#planner = this.#c.newPlanner({
          tenantId: this.#everyone,
          everyoneType: this.#config.permissions.anonymousAs,
          entraId: (a) => this.#entra.get(a) ?? undefined,
          groupMembers: (g) => this.#groupMembers.get(g) ?? [],
          groupName: (g) => this.#groupNames.get(g) ?? g,
        });
        // Credential probe; its time zone is the one Confluence reads CQL dates in.
        this.#timeZone = (await this.#c.confluence.currentUser()).timeZone ?? null;
      });
      if (this.mode === "full") await this.#full();
      else await this.#incremental();
    } catch (error) {
      if (error instanceof ConnectorError) return this.#report(false, this.#failure(error));
      throw error;
    } finally {
      await this.#c.saveState();
    }
    return this.#report(true);
  }

  /**
   * Runs one step of the crawl as `phase`: a failure in it is reported as having stopped there,
   * and its real time is added to the phase (phases overlap when concurrent).
   */
  async #time<T>(phase: CrawlPhase, work: () => Promise<T>): Promise<T> {
    this.#where = { ...this.#where, phase };
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.#phases[phase] += performance.now() - started;
    }
  }

  #failure(error: ConnectorError): CrawlFailure {
    return { code: error.code, message: error.message, ...this.#where };
  }

  // ── full ────────────────────────────────────────────────────────────────────────────────

  async #full(): Promise<void> {
    const spaces = await this.#time("listing", () => this.#c.confluence.spaces());
    for (const s of spaces) {
      if (this.#checkpoint.spacesDone.includes(s.id)) continue;
      this.#where = { phase: this.#where.phase, space: s.key };
      await this.#crawlSpace(s);
      this.#where = { phase: this.#where.phase };
      this.#checkpoint.spacesDone.push(s.id);
      this.#checkpoint.groupDefs ??= {};
      for (const g of this.#planner.groups.values()) this.#checkpoint.groupDefs[g.id] = g.definition;
      // Checkpoint every ~1,000 items by default (small spaces are cheap to redo; saving is not free).
      this.#sinceCheckpoint += this.#spaceItems;
      if (this.#sinceCheckpoint >= this.#c.checkpointEvery) {
        this.#sinceCheckpoint = 0;
        this.#sinceSave = 0;
        await this.#c.saveState();
      }
    }
    // Groups that only spaces finished before a resume reference: bring their members up to date.
    await this.#time("groups", () => this.#resyncCheckpointedGroups());
    // The listing completed without error: only now may vanished items and groups go.
    const seen = new Set(this.#checkpoint.seen);
    const gone = Object.keys(this.#state.items).filter((id) => !seen.has(id));
    await this.#time("deletions", () => Promise.all(gone.map((id) => this.#delete(id))));
    // Also after switching to permission mode `everyone`: the old groups are then all unused.
    await this.#time("deletions", () => this.#deleteUnusedGroups());
    this.#finish();
  }

  async #crawlSpace(s: V2Space): Promise<void> {
    const space = await this.#time("permissions", () => this.#space(s));
    const content = await this.#time("listing", () => this.#spaceContent(s));
    this.#emit("discovered", content.length, { space: s.key });
    this.#spaceItems = content.length;
    this.#checkpoint.seen.push(...content.map((c) => c.id));
    const byId = new Map(content.map((c) => [c.id, c]));
    const acls = this.#everyoneMode
      ? undefined
      : await this.#time("permissions", () => this.#acls(content, space, byId));
    await this.#time("groups", () => this.#syncGroups());
    // Authors' display names in one batch per space, not one lookup per item.
    await this.#time("listing", () =>
      this.#ensureUsers(content.flatMap((c) => [c.authorId, c.lastModifiedBy])),
    );
    await this.#time("items", () =>
      Promise.all(content.map((c) => this.#upsert(c, space, acls?.get(c.id) ?? this.#everyoneAcl()))),
    );
  }

  /** Content of one space: v2 listing + bulk restrictions/labels, or the CQL filter with expand. */
  async #spaceContent(s: V2Space): Promise<CrawledContent[]> {
    const cql = this.#config.confluence.cql;
    const key = cqlString(s.key);
    if (cql) {
      const found = await this.#c.confluence.search(
        `space = ${key} and (${cql}) and type in (page, blogpost)`,
        CONTENT_EXPAND,
      );
      this.#rememberUsers(found.users);
      for (const c of found.content) c.spaceId = s.id;
      return found.content;
    }
    const content = await this.#c.confluence.spaceContent(s.id);
    if (content.length === 0) return content;
    // One CQL listing carries every item's read restriction and labels (≈ 0.004 calls per item).
    const extra = await this.#c.confluence
      .search(`space = ${key} and type in (page, blogpost)`, `metadata.labels,${RESTRICTION_EXPAND}`, 250)
      .catch((error: unknown) => {
        if (error instanceof ConnectorError && error.code === 1000) return undefined; // no search: per item
        throw error;
      });
    if (!extra) {
      // Without CQL search, labels cost one call per item; restrictions are fetched per item later.
      await Promise.all(
        content.map(async (c) => {
          c.labels = await this.#c.confluence.labels(c.type, c.id);
        }),
      );
    } else {
      this.#rememberUsers(extra.users);
      const info = new Map(extra.content.map((c) => [c.id, c]));
      for (const c of content) {
        const i = info.get(c.id);
        if (!i) continue;
        c.labels = i.labels;
        c.readRestriction = i.readRestriction;
      }
    }
    return content;
  }

  // ── incremental ─────────────────────────────────────────────────────────────────────────

  async #incremental(): Promise<void> {
    const { skewSeconds, updatePermissions, detectDeletions } = this.#config.incremental;
    const since = (this.#state.watermark ?? 0) - skewSeconds * 1000;
    const filter = this.#config.confluence.cql;
    const base = `type in (page, blogpost)${filter ? ` and (${filter})` : ""}`;
    const changed = await this.#time("listing", () =>
      this.#c.confluence.search(
        `${base} and lastmodified >= "${cqlDate(since, this.#timeZone)}"`,
        CONTENT_EXPAND,
      ),
    );
    this.#rememberUsers(changed.users);
    this.#emit("discovered", changed.content.length);
    const spaces = new Map(
      (await this.#time("listing", () => this.#c.confluence.spaces())).map((s) => [s.key, s]),
    );
    const bySpace = new Map<string, CrawledContent[]>();
    for (const c of changed.content) {
      const s = spaces.get(c.spaceKey ?? "");
      if (!s) {
        this.#emit("skipped", 1, { itemId: c.id }); // archived or invisible space
        continue;
      }
      c.spaceId = s.id;
      const list = bySpace.get(s.id);
      if (list) list.push(c);
      else bySpace.set(s.id, [c]);
    }
    for (const [spaceId, items] of bySpace) {
      const s = [...spaces.values()].find((x) => x.id === spaceId)!;
      this.#where = { phase: this.#where.phase, space: s.key };
      const space = await this.#time("permissions", () => this.#space(s));
      const needAcl = items.filter((c) => updatePermissions || !this.#state.items[c.id]);
      const needs = new Set(needAcl);
      const acls = this.#everyoneMode
        ? undefined
        : await this.#time("permissions", () => this.#acls(needAcl, space, new Map()));
      await this.#time("groups", () => this.#syncGroups());
      await this.#time("listing", () =>
        this.#ensureUsers(items.flatMap((c) => [c.authorId, c.lastModifiedBy])),
      );
      await this.#time("items", () =>
        Promise.all(
          items.map((c) =>
            this.#upsert(c, space, needs.has(c) ? (acls?.get(c.id) ?? this.#everyoneAcl()) : undefined),
          ),
        ),
      );
      this.#where = { phase: this.#where.phase };
    }
    if (detectDeletions) {
      const all = await this.#time("listing", () => this.#c.confluence.search(base, "space", 250));
      const present = new Set(all.content.filter((c) => spaces.has(c.spaceKey ?? "")).map((c) => c.id));
      const gone = Object.keys(this.#state.items).filter((id) => !present.has(id));
      await this.#time("deletions", () => Promise.all(gone.map((id) => this.#delete(id))));
    }
    this.#finish();
  }

  // ── permissions ─────────────────────────────────────────────────────────────────────────

  async #space(s: V2Space): Promise<CrawledSpace> {
    const known = this.#spaces.get(s.id);
    if (known) return known;
    const site = this.#c.confluence.siteUrl;
    let readers: PrincipalSet = { users: [], groups: [] };
    let anonymousRead = false;
    if (!this.#everyoneMode) ({ readers, anonymousRead } = await this.#c.confluence.spacePermissions(s.id));
    const setting = this.#config.confluence.anonymousAccess;
    const anonymousEffective =
      anonymousRead && (setting === "probe" ? await this.#c.confluence.anonymousCanRead(s.key) : setting);
    const space: CrawledSpace = {
      id: s.id,
      key: s.key,
      name: s.name,
      url: `${site}/wiki${s._links?.webui ?? `/spaces/${s.key}`}`,
      readers,
      anonymousRead,
      anonymousEffective,
    };
    this.#spaces.set(s.id, space);
    return space;
  }

  /** Computes every item's ACL: restrictions (own + ancestors), identities, then the planner. */
  async #acls(
    content: CrawledContent[],
    space: CrawledSpace,
    byId: Map<string, CrawledContent>,
  ): Promise<Map<string, { acl: AclEntry[]; partial: boolean }>> {
    const policy = this.#config.permissions.policy;
    for (const c of byId.values())
      if (c.readRestriction !== undefined) this.#restrictions.set(c.id, c.readRestriction);
    // Own restrictions the bulk listing did not carry: ask per item.
    await Promise.all(
      content.map((c) => (c.readRestriction === undefined ? this.#restriction(c.id) : undefined)),
    );
    const audiences = new Map<string, Audience>();
    for (const c of content) {
      const own =
        c.readRestriction !== undefined ? c.readRestriction : (this.#restrictions.get(c.id) ?? null);
      let ancestors: PrincipalSet[] = [];
      if (policy === "confluence" && c.type === "page") {
        const ids = await this.#ancestors(c, byId);
        const sets = await Promise.all(ids.map((id) => this.#restriction(id)));
        ancestors = sets.filter((s): s is PrincipalSet => s !== null);
      }
      audiences.set(c.id, this.#c.audience(policy, { space, own, ancestors }, this.#config.permissions));
    }
    await this.#resolveIdentities([...audiences.values()]);
    const out = new Map<string, { acl: AclEntry[]; partial: boolean }>();
    for (const [id, audience] of audiences) {
      const { acl, unresolved } = this.#planner.resolve(audience);
      if (unresolved.length > 0) this.#partialAcl.add(id);
      out.set(id, { acl, partial: unresolved.length > 0 });
    }
    return out;
  }

  async #restriction(id: string): Promise<PrincipalSet | null> {
    if (this.#restrictions.has(id)) return this.#restrictions.get(id)!;
    const { set, users } = await this.#c.confluence.readRestriction(id);
    this.#rememberUsers(users);
    this.#restrictions.set(id, set);
    return set;
  }

  /** Ancestor page ids, root first: from the listing's parent chain, CQL's expand, or the API. */
  async #ancestors(c: CrawledContent, byId: Map<string, CrawledContent>): Promise<string[]> {
    if (c.ancestors) return c.ancestors;
    const chain: string[] = [];
    let parent = c.parentId;
    while (parent) {
      const p = byId.get(parent);
      if (!p) {
        // Parent outside the listing (not visible in it, or a folder in between): ask Confluence.
        let ids = this.#ancestorIds.get(c.id);
        if (!ids) {
          ids = await this.#c.confluence.ancestors(c.id);
          this.#ancestorIds.set(c.id, ids);
        }
        return ids;
      }
      chain.unshift(parent);
      if (chain.length > 10_000) throw new ConnectorError(5000, `page ${c.id} has a cyclic parent chain`);
      parent = p.parentId;
    }
    return chain;
  }

  /** Groups' members and users' emails → Entra object ids for every principal the audiences name. */
  async #resolveIdentities(audiences: Audience[]): Promise<void> {
    // Distinct principals first: a space's items mostly name the same few groups.
    const userIds = new Set<string>();
    const groupIds = new Set<string>();
    for (const a of audiences) {
      for (const s of a.kind === "union" ? [a.set] : a.kind === "intersection" ? a.sets : []) {
        for (const u of s.users) userIds.add(u);
        for (const g of s.groups) groupIds.add(g);
      }
    }
    const unknownGroups = [...groupIds].filter((g) => !this.#groupMembers.has(g));
    await Promise.all(
      unknownGroups.map(async (g) => {
        const [members, name] = await Promise.all([
          this.#c.confluence.groupMembers(g),
          this.#c.confluence.groupName(g).catch(() => g), // cosmetic: never fail a crawl on it
        ]);
        this.#groupNames.set(g, name);
        this.#rememberUsers(members);
        this.#groupMembers.set(
          g,
          members.map((m) => m.accountId),
        );
      }),
    );
    const accounts = new Set(userIds);
    for (const g of groupIds) for (const a of this.#groupMembers.get(g) ?? []) accounts.add(a);
    await this.#ensureUsers([...accounts]);
    const upns = new Map<string, string[]>();
    for (const a of accounts) {
      if (this.#entra.has(a)) continue;
      const user = this.#users.get(a) ?? { accountId: a, email: "", displayName: a, publicName: a };
      const mapped = this.#c.mapUser(user);
      if (!mapped.ok) {
        this.#unmappedUser(user, mapped.reason);
        continue;
      }
      if (mapped.kind === "objectId") this.#entra.set(a, mapped.value);
      else upns.set(mapped.value, [...(upns.get(mapped.value) ?? []), a]);
    }
    if (upns.size === 0) return;
    const found = await this.#c.graph.usersByUpn([...upns.keys()]);
    for (const [upn, ids] of upns) {
      for (const a of ids) {
        const objectId = found.get(upn);
        this.#entra.set(a, objectId ?? null);
        if (!objectId) this.#unmappedUser(this.#users.get(a)!, `no Entra user with UPN ${upn}`);
      }
    }
  }

  #unmappedUser(user: ConfluenceUser, reason: string) {
    this.#entra.set(user.accountId, null);
    this.#unmapped.set(user.accountId, {
      accountId: user.accountId,
      displayName: user.displayName,
      reason,
      code: 2006,
    });
  }

  async #ensureUsers(accountIds: string[]): Promise<void> {
    const missing = accountIds.filter((a) => a && !this.#users.has(a));
    if (missing.length === 0) return;
    this.#rememberUsers(await this.#c.confluence.users(missing));
    for (const a of missing) {
      if (!this.#users.has(a))
        this.#users.set(a, { accountId: a, email: "", displayName: "", publicName: "" });
    }
  }

  #rememberUsers(users: ConfluenceUser[]) {
    for (const u of users) {
      const known = this.#users.get(u.accountId);
      if (!known || (!known.email && u.email) || (!known.displayName && u.displayName))
        this.#users.set(u.accountId, u);
    }
  }

  async #syncGroups(): Promise<void> {
    const pending = [...this.#planner.groups.values()].filter((g) => !this.#syncedGroups.has(g.id));
    await Promise.all(
      pending.map(async (g) => {
        this.#syncedGroups.add(g.id);
        const before = this.#state.groups[g.id];
        let members = g.members;
        if (members.length > this.#c.maxGroupMembers) {
          // Graph does not index external groups this large (2008): write it empty so it grants
          // nobody, rather than a silently truncated member list.
          this.#errors.push({
            itemId: `group:${g.id}`,
            code: 2008,
            message: `[2008] ${g.displayName} has ${members.length} members (limit ${this.#c.maxGroupMembers}); it grants nobody`,
          });
          members = [];
        }
        if (before && hashOf(before) === hashOf(members)) return;
        if (!before) await this.#c.graph.ensureGroup(g.id, g.displayName, g.description);
        const had = new Set(before ?? []);
        const want = new Set(members);
        await Promise.all([
          ...members.filter((m) => !had.has(m)).map((m) => this.#c.graph.addMember(g.id, m)),
          ...[...had].filter((m) => !want.has(m)).map((m) => this.#c.graph.removeMember(g.id, m)),
        ]);
        this.#state.groups[g.id] = members;
        this.#counts.groupsWritten++;
      }),
    );
  }

  async #resyncCheckpointedGroups(): Promise<void> {
    const defs = Object.entries(this.#checkpoint.groupDefs ?? {}).filter(
      ([id]) => !this.#planner.groups.has(id),
    );
    if (defs.length === 0) return;
    const audiences: Audience[] = defs.map(([, sets]) =>
      sets.length === 1 ? { kind: "union", set: sets[0] } : { kind: "intersection", sets },
    );
    await this.#resolveIdentities(audiences);
    for (const a of audiences) this.#planner.resolve(a);
    await this.#syncGroups();
  }

  async #deleteUnusedGroups(): Promise<void> {
    const used = new Set([...this.#planner.groups.keys(), ...Object.keys(this.#checkpoint.groupDefs ?? {})]);
    const unused = Object.keys(this.#state.groups).filter((id) => !used.has(id));
    await Promise.all(
      unused.map(async (id) => {
        await this.#c.graph.deleteGroup(id);
        delete this.#state.groups[id];
        this.#counts.groupsDeleted++;
      }),
    );
  }

  #everyoneAcl(): { acl: AclEntry[]; partial: boolean } {
    return {
      acl: [{ type: "everyone", value: this.#config.graph.tenantId, accessType: "grant" }],
      partial: false,
    };
  }

  // ── items ───────────────────────────────────────────────────────────────────────────────

  /** `acl` undefined = keep the indexed ACL (incremental default: permissions are not updated). */
  async #upsert(
    c: CrawledContent,
    space: CrawledSpace,
    acl: { acl: AclEntry[]; partial: boolean } | undefined,
  ): Promise<void> {
    try {
      await this.#ensureUsers([c.authorId, c.lastModifiedBy]);
      const item = buildItem({
        content: c,
        space,
        siteUrl: this.#c.confluence.siteUrl,
        displayName: (a) => this.#users.get(a)?.displayName ?? "",
        properties: this.#c.properties,
        format: this.#config.content.format,
      });
      const contentHash = hashOf({ properties: item.properties, content: item.content });
      const before = this.#state.items[c.id];
      const aclHash = acl ? hashOf(acl.acl) : before?.a;
      if (!aclHash) throw new ConnectorError(5000, `no ACL known for new item ${c.id}`);
      if (before && before.c === contentHash && before.a === aclHash) {
        this.#emit("unchanged", 1, { itemId: c.id });
        return;
      }
      const body: ExternalItem = acl ? { ...item, acl: acl.acl } : item;
      await this.#c.graph.putItem(body);
      this.#state.items[c.id] = { c: contentHash, a: aclHash, s: space.id };
      this.#emit("indexed", 1, { itemId: c.id });
      // Within a large space, record progress now and then so a kill does not redo it all.
      if (++this.#sinceSave >= 2000) {
        this.#sinceSave = 0;
        await this.#c.saveState();
      }
    } catch (error) {
      // Item-level failures (quota, rejected payload) do not stop the crawl; auth and
      // throttling that survived the retries do.
      if (error instanceof ConnectorError && [1001, 1002, 1005, 1000].includes(error.code)) throw error;
      const code = error instanceof ConnectorError ? error.code : 5000;
      this.#errors.push({
        itemId: c.id,
        code,
        message: error instanceof Error ? error.message : String(error),
      });
      this.#emit("failed", 1, { itemId: c.id });
    }
  }

  async #delete(id: string): Promise<void> {
    await this.#c.graph.deleteItem(id);
    delete this.#state.items[id];
    this.#emit("deleted", 1, { itemId: id });
  }

  #finish() {
    this.#state.watermark = this.#checkpoint.startedAt;
    if (this.mode === "full") this.#state.lastFullCrawl = this.#checkpoint.startedAt;
    delete this.#state.checkpoint;
  }

  #emit(kind: ProgressKind, count: number, extra: { itemId?: string; space?: string } = {}) {
    this.#counts[kind] += count;
    const c = this.#counts;
    this.onProgress?.({
      kind,
      count,
      discovered: c.discovered,
      done: c.indexed + c.unchanged + c.skipped + c.failed,
      ...extra,
    });
  }

  #report(complete: boolean, fatal?: CrawlFailure): CrawlReport {
    const s = this.#c.stats;
    const items = Math.max(1, this.#counts.discovered);
    const now = this.#c.runtime.now();
    return {
      mode: this.mode,
      complete,
      resumed: this.#resumed,
      startedAt: new Date(this.#started).toISOString(),
      finishedAt: new Date(now).toISOString(),
      durationMs: now - this.#started,
      wallMs: Math.round(performance.now() - this.#wallStart),
      counts: { ...this.#counts },
      calls: { ...s.calls },
      retries: { ...s.retries },
      throttled: { ...s.throttled },
      callsPerItem: { confluence: s.calls.confluence / items, graph: s.calls.graph / items },
      waitedMs: s.waitedMs,
      phasesMs: Object.fromEntries(
        Object.entries(this.#phases).map(([k, v]) => [k, Math.round(v)]),
      ) as CrawlReport["phasesMs"],
      unmappedIdentities: [...this.#unmapped.values()],
      partialAcl: [...this.#partialAcl],
      errors: this.#errors,
      fatal,
    };
  }
}

/** CQL string literal. */
export function cqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `yyyy/MM/dd HH:mm` in UTC, floored to the minute (CQL has no seconds). */
/**
 * `yyyy/MM/dd HH:mm` floored to the minute (CQL has no seconds), in the time zone Confluence
 * reads CQL dates in: the calling user's (UTC when unknown or not a valid IANA zone).
 */
export function cqlDate(ms: number, timeZone?: string | null): string {
  const d = new Date(Math.max(0, ms));
  let zone = "UTC";
  if (timeZone) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
      zone = timeZone;
    } catch {
      zone = "UTC";
    }
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

export { confluenceGroupId };
