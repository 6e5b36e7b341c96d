import type { AclPlanner } from "../acl.ts";
import type { ConnectorConfig } from "../config.ts";
import type { ConfluenceClient } from "../confluence/client.ts";
import type { V2Space } from "../confluence/wire.ts";
import { CODE, ConnectorError } from "../errors.ts";
import type { AclEntry } from "../graph/client.ts";
import { hashOf } from "../items.ts";
import type { CrawledContent, CrawledSpace, PrincipalSet } from "../model.ts";
import { type Audience, type AudienceStrategy, setKey } from "../permissions.ts";
import type { Identities } from "./identities.ts";
import type { CrawlRecorder } from "./recorder.ts";

/** An item's ACL; `partial` when principals were dropped because they could not be mapped (2007). */
export interface ItemAcl {
  acl: AclEntry[];
  partial: boolean;
  /** `hashOf(acl)`, what the ledger keeps. */
  hash: string;
}

export interface AclResolverDeps {
  confluence: ConfluenceClient;
  permissions: ConnectorConfig["permissions"];
  /** Whether anonymous space access is asked of Confluence (`probe`) or configured. */
  anonymousAccess: ConnectorConfig["confluence"]["anonymousAccess"];
  /** The `everyone` ACE's value in permission mode `everyone`. */
  tenantId: string;
  audience: AudienceStrategy;
  planner: AclPlanner;
  identities: Identities;
  recorder: CrawlRecorder;
}

/**
 * Permissions → ACLs: each space's readers and whether anonymous access is effective, each item's
 * own and ancestors' read restrictions (cached for the crawl), the audience the policy computes
 * from them, and the ACL the planner renders once the identities are resolved.
 */
export class AclResolver {
  readonly #spaces = new Map<string, CrawledSpace>();
  readonly #restrictions = new Map<string, PrincipalSet | null>();
  readonly #ancestorIds = new Map<string, string[]>();
  #everyone: ItemAcl | undefined;

  constructor(private readonly deps: AclResolverDeps) {}

  /** Permission mode `everyone`: no permission is read, every item is granted to everyone. */
  get everyoneMode(): boolean {
    return this.deps.permissions.mode === "everyone";
  }

  async space(s: V2Space): Promise<CrawledSpace> {
    const known = this.#spaces.get(s.id);
    if (known) return known;
    const { confluence, anonymousAccess } = this.deps;
    let readers: PrincipalSet = { users: [], groups: [] };
    let anonymousRead = false;
    if (!this.everyoneMode) ({ readers, anonymousRead } = await confluence.spacePermissions(s.id));
    const anonymousEffective =
      anonymousRead &&
      (anonymousAccess === "probe" ? await confluence.anonymousCanRead(s.key) : anonymousAccess);
    const space: CrawledSpace = {
      id: s.id,
      key: s.key,
      name: s.name,
      url: `${confluence.siteUrl}/wiki${s._links?.webui ?? `/spaces/${s.key}`}`,
      readers,
      anonymousRead,
      anonymousEffective,
    };
    this.#spaces.set(s.id, space);
    return space;
  }

  /** Every item's ACL: restrictions (own + ancestors), identities, then the planner. */
  async acls(
    content: CrawledContent[],
    space: CrawledSpace,
    byId: Map<string, CrawledContent>,
  ): Promise<Map<string, ItemAcl>> {
    const { permissions, audience, planner, identities, recorder } = this.deps;
    for (const c of byId.values())
      if (c.readRestriction !== undefined) this.#restrictions.set(c.id, c.readRestriction);
    // Own restrictions the bulk listing did not carry: ask per item.
    await Promise.all(
      content.map((c) => (c.readRestriction === undefined ? this.#restriction(c.id) : undefined)),
    );
    // Items with the same restrictions (most have none) share one audience and one ACL: the
    // audience is a function of the space and the restriction sets, so it is computed once each.
    const distinct = new Map<string, Audience>();
    const audienceKeys = new Map<string, string>();
    for (const c of content) {
      const own =
        c.readRestriction !== undefined ? c.readRestriction : (this.#restrictions.get(c.id) ?? null);
      let ancestors: PrincipalSet[] = [];
      if (permissions.policy === "confluence" && c.type === "page") {
        const ids = await this.#ancestors(c, byId);
        const sets = await Promise.all(ids.map((id) => this.#restriction(id)));
        ancestors = sets.filter((s): s is PrincipalSet => s !== null);
      }
      const key = [...ancestors, ...(own ? [own] : [])].map(setKey).join("&") + (own ? "" : "&-");
      if (!distinct.has(key))
        distinct.set(key, audience(permissions.policy, { space, own, ancestors }, permissions));
      audienceKeys.set(c.id, key);
    }
    await identities.resolve([...distinct.values()]);
    const acls = new Map<string, ItemAcl>();
    for (const [key, a] of distinct) {
      const { acl, unresolved } = planner.resolve(a);
      acls.set(key, { acl, partial: unresolved.length > 0, hash: hashOf(acl) });
    }
    const out = new Map<string, ItemAcl>();
    for (const [id, key] of audienceKeys) {
      const acl = acls.get(key)!;
      if (acl.partial) recorder.partialAcl(id);
      out.set(id, acl);
    }
    return out;
  }

  /** Every item's ACL in permission mode `everyone`: a grant to the whole tenant. */
  everyone(): ItemAcl {
    this.#everyone ??= (() => {
      const acl: AclEntry[] = [{ type: "everyone", value: this.deps.tenantId, accessType: "grant" }];
      return { acl, partial: false, hash: hashOf(acl) };
    })();
    return this.#everyone;
  }

  async #restriction(id: string): Promise<PrincipalSet | null> {
    if (this.#restrictions.has(id)) return this.#restrictions.get(id)!;
    const { set, users } = await this.deps.confluence.readRestriction(id);
    this.deps.identities.remember(users);
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
          ids = await this.deps.confluence.ancestors(c.id);
          this.#ancestorIds.set(c.id, ids);
        }
        return ids;
      }
      chain.unshift(parent);
      if (chain.length > 10_000)
        throw new ConnectorError(CODE.unknown, `page ${c.id} has a cyclic parent chain`);
      parent = p.parentId;
    }
    return chain;
  }
}
