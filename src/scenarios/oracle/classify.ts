import { checkCql, compile } from "../../simulators/confluence/cql/index.ts";
import type { Content } from "../../simulators/confluence/model.ts";
import { AccessEvaluator } from "../../simulators/confluence/permissions.ts";
import type { DirectoryUser } from "../../simulators/directory/model.ts";
import type { OracleInput } from "./input.ts";
import { entryRef } from "./notation.ts";
import { identityFor, type Truth, truthFor } from "./truth.ts";

/**
 * One user × item of the parity oracle: truth vs index, and when they differ, the reason and
 * whether a documented limitation or expected staleness explains it.
 */

export interface ParityDifference {
  kind: "overExposed" | "underExposed";
  user: string;
  item: string;
  title: string;
  /** Why, in one line. */
  reason: string;
  /** True when the difference is a documented connector limitation or expected staleness. */
  documented: boolean;
}

/** The difference for one person × content, or undefined when truth and index agree. */
export function classifyPair(
  input: OracleInput,
  user: DirectoryUser,
  content: Content,
): ParityDifference | undefined {
  const { world, connectionId } = input;
  const indexed = world.graph.connection(connectionId)?.items.has(content.id) ?? false;
  const truth = truthFor(world, user, content, input.config?.identity);
  const granted = indexed && world.graph.canAccess(user.id, connectionId, content.id);
  if (truth.allowed === granted) return undefined;
  const kind = granted ? "overExposed" : "underExposed";
  const { reason, documented } =
    kind === "overExposed"
      ? classifyOver(input, truth, content)
      : classifyUnder(input, user, truth, content, indexed);
  return { kind, user: user.userPrincipalName, item: content.id, title: content.title, reason, documented };
}

function classifyOver(
  input: OracleInput,
  truth: Truth,
  content: Content,
): { reason: string; documented: boolean } {
  if (input.config?.permissions.mode === "everyone")
    return { reason: "the connector is configured with permissions: everyone", documented: true };
  const stale = staleness(input, content);
  if (stale) return { reason: stale, documented: true };
  const denied = truth.reasons.find((r) => !r.ok);
  if (
    input.config?.permissions.policy === "documented" &&
    denied?.check === "restriction" &&
    denied.contentId !== content.id
  ) {
    return {
      reason: `parent restrictions ignored (documented policy): ${denied.detail}`,
      documented: true,
    };
  }
  if (input.config?.permissions.policy === "documented" && denied?.check === "space") {
    const own = content.restrictions.read;
    if (own && (own.users.length > 0 || own.groups.length > 0) && truth.account) {
      const evaluator = new AccessEvaluator(input.world.confluence.store, {
        type: "user",
        accountId: truth.account.accountId,
      });
      const admitted =
        own.users.includes(truth.account.accountId) || own.groups.some((g) => evaluator.groupIds.has(g));
      if (admitted)
        return {
          reason: `page restrictions take precedence over space permissions (documented policy): ${denied.detail}`,
          documented: true,
        };
    }
  }
  if (input.config?.permissions.policy === "documented" && anonymousSpaceIgnoringSite(input, content)) {
    return {
      reason:
        "anonymous space shown to everyone (documented policy: Microsoft's rule names the space's anonymous access, not the site switch, C-5)",
      documented: true,
    };
  }
  const acl = input.world.graph.connection(input.connectionId)?.items.get(content.id)?.acl ?? [];
  const kept = keptAfterFailure(input, content.id, acl);
  if (kept) return kept;
  return { reason: `Confluence denies: ${denied?.detail ?? "no access"}`, documented: false };
}

/** The item's space grants anonymous view while the site-wide anonymous switch is off. */
function anonymousSpaceIgnoringSite(input: OracleInput, content: Content): boolean {
  const { store } = input.world.confluence;
  if (store.site.anonymousAccess) return false;
  const space = store.spaces.get(content.spaceId);
  return (
    space?.permissions.some(
      (p) =>
        p.principal.type === "anonymous" && p.operation.key === "read" && p.operation.targetType === "space",
    ) ?? false
  );
}

function classifyUnder(
  input: OracleInput,
  user: DirectoryUser,
  truth: Truth,
  content: Content,
  indexed: boolean,
): { reason: string; documented: boolean } {
  if (input.lastCrawlAt === undefined) return { reason: "no crawl has run yet", documented: true };
  const stale = staleness(input, content);
  if (stale) return { reason: stale, documented: true };
  if (!indexed && input.crawlAccount) {
    const crawler = new AccessEvaluator(input.world.confluence.store, {
      type: "user",
      accountId: input.crawlAccount,
    });
    if (!crawler.canView(content))
      return {
        reason: "the crawl account cannot view this content, so it cannot be indexed",
        documented: true,
      };
  }
  if (!indexed && content.status === "archived")
    return { reason: "archived content is not indexed", documented: true };
  const cql = input.config?.confluence?.cql;
  if (!indexed && cql && excludedByCql(input, cql, content))
    return { reason: `excluded by the CQL filter ${cql}`, documented: true };
  const conn = input.world.graph.connection(input.connectionId);
  if (!indexed && conn && input.world.graph.itemsRemaining(conn) === 0)
    return { reason: "the item quota is reached (limitExceeded): Graph refuses new items", documented: true };
  // Refused at the quota during the last crawl, even if a later delete in that crawl made room.
  const refused = input.lastCrawlItemErrors?.find(
    (e) => e.itemId === content.id && (e.code === 1008 || e.code === 1009),
  );
  if (!indexed && refused)
    return {
      reason: `Graph refused the item at the item quota in the last crawl (${refused.code})`,
      documented: true,
    };
  // An item missing after a failed crawl: documented when it was not indexed before either.
  if (!indexed && input.lastCrawlFailure) {
    if (input.indexAtLastCompletedCrawl?.has(content.id))
      return {
        reason: `deleted by the last crawl, which failed (${input.lastCrawlFailure.code}): a failed crawl must keep the index`,
        documented: false,
      };
    return { reason: `the last crawl failed (${input.lastCrawlFailure.code})`, documented: true };
  }
  const viaAnonymous = truth.reasons.some((r) => r.check === "space" && r.anonymous);
  const permissions = input.config?.permissions;
  if (viaAnonymous && user.userType === "Guest" && permissions?.anonymousAs === "everyoneExceptGuests")
    return {
      reason: "anonymous content is kept from tenant guests (anonymousAs: everyoneExceptGuests)",
      documented: true,
    };
  if (
    permissions?.policy === "documented" &&
    permissions.documentedSpacePermissions === "ignored" &&
    !viaAnonymous &&
    // Parents are ignored under the documented policy: only the page's own restriction counts.
    !content.restrictions.read
  )
    return {
      reason: "space permissions are not honored (documented policy, literal reading C-1)",
      documented: true,
    };
  if (!viaAnonymous) {
    const identity = identityFor(input, user, truth.account);
    if (!identity.ok) return { reason: `unmappable identity: ${identity.detail}`, documented: true };
  }
  if (!indexed) return { reason: "the item is not in the index", documented: false };
  const acl = input.world.graph.connection(input.connectionId)?.items.get(content.id)?.acl ?? [];
  const kept = keptAfterFailure(input, content.id, acl);
  if (kept) return kept;
  // Graph does not index an external group above its member limit: the connector writes it
  // empty and reports 2008, so the group grants nobody (documented).
  const oversized = acl
    .filter((e) => e.type === "externalGroup" && e.accessType === "grant")
    .map((e) => input.lastCrawlItemErrors?.find((x) => x.code === 2008 && x.itemId === `group:${e.value}`))
    .find((x) => x !== undefined);
  if (oversized)
    return {
      reason: `an external group in the ACL is over Graph's member limit and grants nobody (2008): ${oversized.message.replace(/^\[2008\] /, "")}`,
      documented: true,
    };
  const decision = input.world.graph.explainAccess(user.id, input.connectionId, content.id);
  const denies = decision.denies.map((e) => entryRef(input.world, e));
  const written = acl.map((e) => `${e.accessType === "deny" ? "deny " : ""}${entryRef(input.world, e)}`);
  return {
    reason: denies.length
      ? `denied by ${denies.join(", ")}`
      : `no ACL entry grants this user (ACL: ${written.join(", ") || "empty"})`,
    documented: false,
  };
}

/**
 * Expected staleness after a failed crawl: the index keeps what the last completed crawl wrote.
 * An ACL the failed crawl itself changed gets no such excuse.
 */
function keptAfterFailure(
  input: OracleInput,
  itemId: string,
  acl: unknown[],
): { reason: string; documented: boolean } | undefined {
  const failure = input.lastCrawlFailure;
  if (!failure) return undefined;
  const before = input.indexAtLastCompletedCrawl?.get(itemId);
  if (before !== undefined && before !== JSON.stringify(acl))
    return {
      reason: `the last crawl failed (${failure.code}) after rewriting this item's ACL, which differs from Confluence`,
      documented: false,
    };
  return {
    reason: `the last crawl failed (${failure.code}); the index keeps the previous state`,
    documented: true,
  };
}

/** Documented staleness: incremental crawls skip permission changes and deletions. */
function staleness(input: OracleInput, content: Content): string | undefined {
  if (input.lastCrawlAt !== undefined && content.version.createdAt > input.lastCrawlAt)
    return "changed after the last crawl";
  if (input.permissionChangesSinceLastCrawl.length > 0)
    return `not crawled since: ${input.permissionChangesSinceLastCrawl.join("; ")}`;
  if (input.lastCrawlMode !== "incremental") return undefined;
  if (content.status === "trashed" || content.status === "deleted")
    return "incremental crawls do not detect deletions (documented)";
  if (input.permissionChangesSinceFullCrawl.length > 0)
    return `incremental crawls skip permission changes (documented): ${input.permissionChangesSinceFullCrawl.join("; ")}`;
  return undefined;
}

/**
 * Does the connector's CQL filter leave this content out? Evaluated with the Confluence twin's CQL
 * evaluator as of the last crawl (relative dates), `currentUser()` being the crawl account. A filter
 * the twin rejects excludes nothing here (the crawl itself reports it).
 */
const cqlFilters = new WeakMap<OracleInput, (content: Content) => boolean>();

function excludedByCql(input: OracleInput, cql: string, content: Content): boolean {
  let matches = cqlFilters.get(input);
  if (!matches) {
    matches = () => true;
    const checked = checkCql(cql);
    const { store } = input.world.confluence;
    try {
      if (checked.ok)
        matches = compile(checked.query.where, {
          store,
          now: input.lastCrawlAt ?? store.clock.now(),
          timeZone: store.site.timeZone,
          currentUser: input.crawlAccount,
        });
    } catch {
      // A filter the twin cannot evaluate excludes nothing here.
    }
    cqlFilters.set(input, matches);
  }
  return !matches(content);
}
